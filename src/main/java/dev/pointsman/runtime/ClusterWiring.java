package dev.pointsman.runtime;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.backend.Veto;
import dev.pointsman.cluster.ClusterListener;
import dev.pointsman.cluster.ClusterSource;
import dev.pointsman.cluster.ClusterView;
import dev.pointsman.cluster.Member;
import dev.pointsman.cluster.Pool;
import dev.pointsman.cluster.RoutingRules;
import dev.pointsman.cluster.SplitBrain;
import dev.pointsman.cluster.SplitBrainAlerts;
import dev.pointsman.cluster.Verdict;
import dev.pointsman.cluster.ViewChange;
import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.config.Proxy;
import dev.pointsman.log.ProxyLog;
import dev.pointsman.stats.AlertBoard;
import dev.pointsman.stats.PatroniFacts;
import dev.pointsman.stats.PatroniView;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets the Patroni cluster view steer routing (issue 8): after every view that changed something,
 * and once per poll interval (so that a view going stale releases its vetoes), each server of the
 * backend gets the view's verdict as a "view" veto. Checks stay the authority for UP; the view can
 * only keep a server out. A server the view withdraws from its pool while it holds sessions — a
 * demoted primary on a primary pool, a promoted node on a replica pool — has them cut at once
 * when {@code on-marked-down shutdown-sessions} is set. A role change hurries the backend's checks;
 * a check state change hurries the view.
 *
 * <p>Split brains the source detects (issue 13) are logged to the backend's {@code log} targets at
 * level alert, besides the source's own error line, and shown by stats until acknowledged
 * ({@link AlertBoard}). Routing does not change for them: the leader key stays the authority (see
 * the README). The detector reads each server's session and byte totals here.
 */
final class ClusterWiring implements AutoCloseable, PatroniView, AlertBoard {
    private static final Logger LOG = LoggerFactory.getLogger("cluster");
    static final Duration HURRY = Duration.ofSeconds(5);

    private record Followed(ClusterSource source, ScheduledFuture<?> timer) {}

    /** Replaced whole by start and reload (one at a time); read anywhere. */
    private volatile Map<Backend, Followed> followed = Map.of();
    private final HealthWiring health;

    private ClusterWiring(HealthWiring health) {
        this.health = health;
    }

    static ClusterWiring start(Pointsman p, HealthWiring health) {
        ClusterWiring wiring = new ClusterWiring(health);
        for (Backend b : p.backends().values()) {
            wiring.add(p, b);
        }
        health.onStateChange(wiring::hurry);
        return wiring;
    }

    /**
     * Starts following the Patroni cluster behind {@code b}, when it has one (at start, or a backend a
     * reload added or whose servers or {@code patroni-view} changed). Start and reload threads only.
     */
    void add(Pointsman p, Backend b) {
        ProxyLog log = p.logs().of(b.config());
        Proxy config = b.config();
        ClusterSource.start(config, p.group(), p.transport().socketChannel(), new ClusterListener() {
            @Override
            public void onView(ClusterView view, ViewChange change) {
                ClusterWiring.this.onView(b, view, change);
            }

            @Override
            public void onDiscovered(String scope) {
                LOG.info("backend '{}' follows Patroni cluster '{}'", b.name(), scope);
            }

            @Override
            public void onSplitBrain(SplitBrain alert) {
                log.log(Level.ALERT, "backend '" + b.name() + "': ALERT: " + alert.message());
            }

            @Override
            public SplitBrain.Traffic traffic(String server) {
                return b.server(server).map(s -> new SplitBrain.Traffic(s.counters().total.sum(),
                        s.counters().bytesIn.sum())).orElse(null);
            }
        }).ifPresent(source -> {
            long every = Math.max(100, source.interval().toMillis());
            ScheduledFuture<?> timer = b.owner().scheduleAtFixedRate(() -> apply(b), every, every,
                    TimeUnit.MILLISECONDS);
            Map<Backend, Followed> next = new LinkedHashMap<>(followed);
            next.put(b, new Followed(source, timer));
            followed = next;
        });
    }

    /**
     * Stops following {@code b}'s cluster (a reload removed the backend, or starts its view again).
     * The view's vetoes stay until the next view (or the checks alone, without one) decides; its
     * doubts end at once.
     */
    void remove(Backend b) {
        Followed f = followed.get(b);
        if (f == null) {
            return;
        }
        Map<Backend, Followed> next = new LinkedHashMap<>(followed);
        next.remove(b);
        followed = next;
        f.timer().cancel(false);
        f.source().close();
        // a doubt has no view left to clear it (a reload turning patroni-view off would leave it for good)
        b.owner().execute(() -> b.servers().forEach(s -> s.doubt(null)));
    }

    /** Polls the backend's view quickly for a while (a check changed state, or the DCS leader moved). */
    void hurry(Backend backend) {
        ClusterSource s = source(backend).orElse(null);
        if (s != null) {
            s.hurry(HURRY);
        }
    }

    Optional<ClusterSource> source(Backend backend) {
        return Optional.ofNullable(followed.get(backend)).map(Followed::source);
    }

    private Map<Backend, ClusterSource> sources() {
        Map<Backend, ClusterSource> out = new LinkedHashMap<>();
        followed.forEach((b, f) -> out.put(b, f.source()));
        return out;
    }

    private void onView(Backend backend, ClusterView view, ViewChange change) {
        backend.owner().execute(() -> viewChanged(backend, view, change));
    }

    private void viewChanged(Backend backend, ClusterView view, ViewChange change) {
        if (change.problemChanged() && view.problem() != null) {
            LOG.warn("backend '{}': cluster view not used for routing: {} (checks alone decide)", backend.name(),
                    view.problem());
        }
        apply(backend);
        if (change.roles() || change.leaderChanged()) {
            LOG.info("backend '{}': Patroni roles changed {} (leader {}): re-checking", backend.name(),
                    change.roleChanged(), view.leader());
            health.hurry(backend);
        }
    }

    /** Hands each server of the backend the view's verdict; on the backend's owner. */
    private void apply(Backend backend) {
        ClusterSource source = source(backend).orElse(null);
        Optional<ClusterView> view = source == null ? Optional.empty() : source.current();
        Instant now = Instant.now();
        for (Server server : backend.servers()) {
            Optional<Verdict> verdict = view.map(v -> RoutingRules.verdict(v, source.pool(), server.name(), now));
            // a view that cannot see (stale, inconsistent) keeps what it doubted last
            String doubt = verdict.filter(v -> v instanceof Verdict.Blind).isPresent() ? server.doubt()
                    : verdict.flatMap(Verdict::doubt).orElse(null);
            if (doubt != null && server.doubt() == null) {
                LOG.info("backend '{}': server {} doubted: {}", backend.name(), server.name(), doubt);
            }
            server.doubt(doubt);
            String reason = verdict.flatMap(Verdict::vetoReason).orElse(null);
            if (reason != null) {
                backend.withdraw(server, Veto.VIEW, reason, source.pool() != Pool.ANY && verdict.get().cutsSessions());
            } else {
                backend.allow(server, Veto.VIEW, "allowed again by the cluster view");
            }
        }
    }

    /** Stats: a Patroni-backed backend's split-brain alerts. */
    @Override
    public Optional<AlertBoard.Alerts> of(String backend) {
        return sources().entrySet().stream().filter(e -> e.getKey().name().equals(backend)).findFirst()
                .map(e -> alerts(e.getValue().alerts()));
    }

    private static AlertBoard.Alerts alerts(SplitBrainAlerts a) {
        Optional<SplitBrain> last = Optional.ofNullable(a.last());
        return new AlertBoard.Alerts(a.total(), a.unacknowledged(), last.map(SplitBrain::message),
                last.map(l -> Instant.ofEpochMilli(l.atMillis())));
    }

    /** Stats: acknowledges on each source's loop; completes once every one has. */
    @Override
    public CompletionStage<Integer> acknowledge(Optional<String> backend) {
        CompletableFuture<Integer> total = CompletableFuture.completedFuture(0);
        for (Map.Entry<Backend, ClusterSource> e : sources().entrySet()) {
            if (backend.isEmpty() || backend.get().equals(e.getKey().name())) {
                total = total.thenCombine(e.getValue().acknowledge(), Integer::sum);
            }
        }
        return total;
    }

    /** The current view of every Patroni-backed backend, by backend name. */
    Map<String, ClusterView> views() {
        Map<String, ClusterView> out = new LinkedHashMap<>();
        sources().forEach((b, s) -> s.current().ifPresent(v -> out.put(b.name(), v)));
        return out;
    }

    /** Stats: the member behind a server, as the view knows it. */
    @Override
    public Optional<PatroniFacts> facts(Server server) {
        ClusterSource source = source(server.backend()).orElse(null);
        if (source == null) {
            return Optional.empty();
        }
        return source.current().flatMap(v -> v.memberOfServer(server.name()).map(m -> facts(v, m)));
    }

    private static PatroniFacts facts(ClusterView view, Member m) {
        String role = m.leaderRole() ? "primary" : m.role();
        return new PatroniFacts(Optional.ofNullable(role), Optional.ofNullable(m.state()),
                m.timeline() == null ? OptionalLong.empty() : OptionalLong.of(m.timeline()),
                m.lag() == null ? OptionalLong.empty() : OptionalLong.of(m.lag()),
                Optional.of(m.pendingRestart()), "cluster view (" + view.source() + ")");
    }

    @Override
    public void close() {
        followed.values().forEach(f -> {
            f.timer().cancel(false);
            f.source().close();
        });
    }
}
