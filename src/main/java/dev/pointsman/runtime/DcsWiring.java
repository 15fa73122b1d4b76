package dev.pointsman.runtime;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.backend.Veto;
import dev.pointsman.check.PoolKind;
import dev.pointsman.cluster.Member;
import dev.pointsman.cluster.dcs.EtcdKeyWatch;
import dev.pointsman.cluster.dcs.FailoverRequest;
import dev.pointsman.cluster.dcs.KeyListener;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Patroni's leader and failover keys in etcd ({@code patroni-dcs}) for the backends that
 * configure it. The leader key names who may be primary: on a primary pool every other server is
 * withdrawn ("dcs" veto) the moment the key moves or is released, and a demoted leader's sessions
 * are cut; on a replica pool the key holder is withdrawn. The new holder is never admitted by the
 * key alone: its checks (and the cluster view's confirmation of the promotion) still decide, and
 * both are hurried on every change.
 *
 * <p>The failover key announces a planned switchover before the leader demotes itself (Patroni
 * writes it, its leader acts on it in the next moment: about 0.2 s here, a shutdown checkpoint
 * later it stops PostgreSQL). From then on, while the named leader still holds the key, a primary
 * pool sends no new session to it ("switchover" veto): a client that would otherwise start its
 * authentication on a server about to shut down waits in the queue for the new primary instead.
 * Its open sessions are left alone (PostgreSQL's shutdown ends them; they may finish meanwhile).
 * A request that is never carried out holds new sessions back for {@link #SWITCHOVER_HOLD} at most.
 *
 * <p>While etcd is unreachable every veto of both kinds is lifted and routing follows the checks
 * (Patroni's failsafe_mode keeps a primary running without etcd).
 */
final class DcsWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dcs");
    /** The longest a switchover request keeps new sessions away from a leader that stays. */
    static final Duration SWITCHOVER_HOLD = Duration.ofSeconds(10);

    /** Each backend's follower and its two watches; replaced whole by start and reload (one at a time). */
    private volatile Map<Backend, Watched> watches = Map.of();

    /** What follows one backend's keys. */
    private record Watched(Follower follower, List<EtcdKeyWatch> pair) {}
    private final HealthWiring health;
    private final ClusterWiring cluster;

    private DcsWiring(HealthWiring health, ClusterWiring cluster) {
        this.health = health;
        this.cluster = cluster;
    }

    static DcsWiring start(Pointsman p, HealthWiring health, ClusterWiring cluster) {
        DcsWiring wiring = new DcsWiring(health, cluster);
        for (Backend b : p.backends().values()) {
            wiring.add(p, b);
        }
        return wiring;
    }

    /** Watches {@code b}'s keys when it has {@code patroni-dcs} (at start, or by a reload). */
    void add(Pointsman p, Backend b) {
        b.config().dcs().ifPresent(dcs -> {
            PoolKind pool = PoolKind.of(b.config().check());
            // both keys on the backend's owner: the follower is confined to it, and its changes apply at once
            EventLoop loop = (EventLoop) b.owner();
            Follower follower = new Follower(b, pool, () -> {
                health.hurry(b);
                cluster.hurry(b);
            }, member -> cluster.source(b).flatMap(s -> s.current()).flatMap(v -> v.member(member))
                    .map(Member::server), loop, Clock.systemUTC());
            List<EtcdKeyWatch> pair = List.of(EtcdKeyWatch.start(dcs, dcs.leaderKey(),
                    toldToo(follower.leaderKey(), member -> cluster.source(b).ifPresent(s -> s.leaderKey(member)),
                            established -> cluster.source(b).ifPresent(s -> s.watch(established))),
                    loop, p.transport().socketChannel()),
                    EtcdKeyWatch.start(dcs, dcs.failoverKey(), follower.failoverKey(), loop,
                            p.transport().socketChannel()));
            Map<Backend, Watched> next = new LinkedHashMap<>(watches);
            next.put(b, new Watched(follower, pair));
            watches = next;
            LOG.info("backend '{}' watches {} and {} in etcd {}", b.name(), dcs.leaderKey(), dcs.failoverKey(),
                    dcs.endpoints());
        });
    }

    /**
     * Stops watching {@code b}'s keys (a reload removed it, or watches them again): the watches
     * close, and the follower, on the backend's owner, cancels its timer and lifts the vetoes it set
     * (a follower added again sets its own from what its watches read).
     */
    void remove(Backend b) {
        Watched w = watches.get(b);
        if (w == null) {
            return;
        }
        Map<Backend, Watched> next = new LinkedHashMap<>(watches);
        next.remove(b);
        watches = next;
        w.pair().forEach(EtcdKeyWatch::close);
        try {
            b.owner().execute(w.follower()::close);
        } catch (java.util.concurrent.RejectedExecutionException stopping) {
            // the owner is gone: nothing routes any more, no timer fires
        }
    }

    /**
     * {@code listener}, and each value it hears told to {@code also} (the cluster view's split-brain
     * detector) first; whether the watch is established told to {@code established} (the cluster
     * view's pace: calm while it is) after the listener.
     */
    static KeyListener toldToo(KeyListener listener, java.util.function.Consumer<Optional<String>> also,
                               java.util.function.Consumer<Boolean> established) {
        return new KeyListener() {
            @Override
            public void onValue(Optional<String> value, long revision) {
                also.accept(value);
                listener.onValue(value, revision);
            }

            @Override
            public void onUnavailable(String reason) {
                listener.onUnavailable(reason);
                established.accept(false);
            }

            @Override
            public void onAvailable() {
                listener.onAvailable();
                established.accept(true);
            }
        };
    }

    /** One backend's view of both keys; every call comes on one event loop. */
    static final class Follower {
        private final Backend backend;
        private final PoolKind pool;
        private final Runnable hurry;
        private final Function<String, Optional<String>> serverOfMember;
        private final EventLoop loop;
        private final Clock clock;
        private Optional<String> leader = Optional.empty();
        private Optional<FailoverRequest> request = Optional.empty();
        /** When the current request was first seen due; null while none is. */
        private Instant dueSince;
        private ScheduledFuture<?> timer;
        /** Set once by {@link #close}: what its watches still deliver, and its timer, do nothing. */
        private boolean closed;

        /**
         * @param hurry          checks and cluster view of the backend, now and at the hurried pace
         * @param serverOfMember the server a Patroni member name stands for, where the cluster
         *                       view knows (else the server of that name is taken)
         */
        Follower(Backend backend, PoolKind pool, Runnable hurry, Function<String, Optional<String>> serverOfMember,
                 EventLoop loop, Clock clock) {
            this.backend = backend;
            this.pool = pool;
            this.hurry = hurry;
            this.serverOfMember = serverOfMember;
            this.loop = loop;
            this.clock = clock;
        }

        KeyListener leaderKey() {
            return new KeyListener() {
                @Override
                public void onValue(Optional<String> member, long revision) {
                    onLeader(member, revision);
                }

                @Override
                public void onUnavailable(String reason) {
                    if (closed) {
                        return;
                    }
                    LOG.warn("backend '{}': etcd unreachable ({}); routing follows the checks alone",
                            backend.name(), reason);
                    leader = Optional.empty();
                    liftAll();
                }

                @Override
                public void onAvailable() {
                    LOG.info("backend '{}': etcd reachable again", backend.name());
                }
            };
        }

        KeyListener failoverKey() {
            return new KeyListener() {
                @Override
                public void onValue(Optional<String> value, long revision) {
                    onFailover(value, revision);
                }

                @Override
                public void onUnavailable(String reason) {
                    if (closed) {
                        return;
                    }
                    request = Optional.empty(); // the leader key's watch tells of the outage
                    applySwitchover();
                }

                @Override
                public void onAvailable() {
                    // the key's value, re-read, comes by onValue
                }
            };
        }

        void onLeader(Optional<String> member, long revision) {
            if (closed) {
                return;
            }
            Optional<String> previous = leader;
            leader = member;
            LOG.info("backend '{}': Patroni leader key {} (was {}, revision {})", backend.name(),
                    member.orElse("released"), previous.orElse("-"), revision);
            Optional<Server> holder = member.flatMap(this::server);
            if (member.isPresent() && holder.isEmpty()) {
                LOG.warn("backend '{}': leader '{}' matches no server; the leader key is not used for routing",
                        backend.name(), member.get());
                liftAll();
            } else {
                for (Server s : backend.servers()) {
                    boolean isHolder = holder.map(h -> h == s).orElse(false);
                    String reason = switch (pool) {
                        case PRIMARY -> isHolder ? null
                                : "does not hold the leader key in etcd (" + member.orElse("nobody") + " does)";
                        case REPLICA -> isHolder ? "holds the leader key in etcd" : null;
                        case OTHER -> null;
                    };
                    if (reason != null) {
                        backend.withdraw(s, Veto.DCS, reason, true);
                    } else {
                        backend.allow(s, Veto.DCS, "holds the leader key in etcd or is not barred by it");
                    }
                }
            }
            if (previous.isPresent() || member.isEmpty()) {
                hurry.run();
            }
            applySwitchover();
        }

        void onFailover(Optional<String> value, long revision) {
            if (closed) {
                return;
            }
            Optional<FailoverRequest> parsed;
            try {
                parsed = value.isEmpty() ? Optional.empty() : FailoverRequest.parse(value.get(), clock.getZone());
            } catch (FailoverRequest.Unreadable e) {
                LOG.warn("backend '{}': Patroni failover key (revision {}) not used: {}", backend.name(), revision,
                        e.getMessage());
                parsed = Optional.empty();
            }
            if (!parsed.equals(request)) {
                dueSince = null;
            }
            request = parsed;
            parsed.ifPresent(r -> LOG.info("backend '{}': Patroni was asked to hand over the leader key: {} -> {}{}",
                    backend.name(), r.leader().orElse("(leader)"), r.candidate().orElse("(any)"),
                    r.scheduledAt().map(at -> " at " + at).orElse("")));
            if (parsed.isPresent() && parsed.get().due(clock.instant())) {
                hurry.run();
            }
            applySwitchover();
        }

        /**
         * Withdraws the leader a due switchover request names from new sessions, or lifts that; runs
         * again when a scheduled request becomes due and when the hold runs out.
         */
        void applySwitchover() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (closed) {
                return;
            }
            Instant now = clock.instant();
            Optional<String> target = Optional.empty();
            if (pool == PoolKind.PRIMARY && request.isPresent()) {
                FailoverRequest r = request.get();
                if (!r.due(now)) {
                    later(Duration.between(now, r.scheduledAt().orElseThrow()));
                } else {
                    if (dueSince == null) {
                        dueSince = now;
                    }
                    Duration held = Duration.between(dueSince, now);
                    if (held.compareTo(SWITCHOVER_HOLD) < 0) {
                        target = r.demoting(leader);
                        later(SWITCHOVER_HOLD.minus(held));
                    } else if (r.demoting(leader).isPresent()) {
                        LOG.warn("backend '{}': the switchover asked of {} has not happened in {} s; sending it new"
                                + " sessions again", backend.name(), leader.orElse("-"), SWITCHOVER_HOLD.toSeconds());
                    }
                }
            }
            Optional<Server> withdrawn = target.flatMap(this::server);
            for (Server s : backend.servers()) {
                boolean isTarget = withdrawn.map(w -> w == s).orElse(false);
                String reason = isTarget ? "is about to hand over the leader key (switchover to "
                        + request.flatMap(FailoverRequest::candidate).orElse("another member")
                        + " requested); new sessions wait for the new primary" : null;
                if (reason != null) {
                    backend.withdraw(s, Veto.SWITCHOVER, reason, false);
                } else {
                    backend.allow(s, Veto.SWITCHOVER, "no switchover pending");
                }
            }
        }

        /**
         * The backend is no longer followed (a reload): the timer of a pending switchover is
         * cancelled, and the leader-key and switchover vetoes it set are lifted. On the loop.
         */
        void close() {
            closed = true;
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            for (Server s : backend.servers()) {
                backend.allow(s, Veto.DCS, "its backend no longer follows etcd this way (reload)");
                backend.allow(s, Veto.SWITCHOVER, "its backend no longer follows etcd this way (reload)");
            }
        }

        private void later(Duration delay) {
            timer = loop.schedule(this::applySwitchover, Math.max(delay.toMillis(), 1), TimeUnit.MILLISECONDS);
        }

        private Optional<Server> server(String member) {
            return backend.server(serverOfMember.apply(member).orElse(member));
        }

        private void liftAll() {
            backend.servers().forEach(s -> backend.allow(s, Veto.DCS, "the leader key is not used for routing"));
            applySwitchover();
        }
    }

    @Override
    public void close() {
        watches.values().forEach(w -> w.pair().forEach(EtcdKeyWatch::close));
    }
}
