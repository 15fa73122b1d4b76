package dev.pointsman.runtime;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.check.PoolKind;
import dev.pointsman.cluster.Member;
import dev.pointsman.cluster.dcs.EtcdLeaderWatch;
import dev.pointsman.cluster.dcs.LeaderListener;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows Patroni's leader key in etcd ({@code patroni-dcs}) for the backends that configure it.
 * The key names who may be primary: on a primary pool every other server is withdrawn ("dcs"
 * veto) the moment the key moves or is released, and a demoted leader's sessions are cut; on a
 * replica pool the key holder is withdrawn. The new holder is never admitted by the key alone:
 * its checks (and the cluster view's confirmation of the promotion) still decide, and both are
 * hurried on every change. While etcd is unreachable every "dcs" veto is lifted and routing
 * follows the checks (Patroni's failsafe_mode keeps a primary running without etcd).
 */
final class DcsWiring implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("dcs");
    static final String DCS = "dcs";

    private final List<EtcdLeaderWatch> watches = new ArrayList<>();

    static DcsWiring start(Pointsman p, HealthWiring health, ClusterWiring cluster) {
        DcsWiring wiring = new DcsWiring();
        for (Backend b : p.backends().values()) {
            b.config().dcs().ifPresent(dcs -> {
                PoolKind pool = PoolKind.of(b.config().check());
                wiring.watches.add(EtcdLeaderWatch.start(dcs, new Follower(b, pool, health, cluster),
                        p.group().next(), p.transport().socketChannel()));
                LOG.info("backend '{}' watches {} in etcd {}", b.name(), dcs.leaderKey(), dcs.endpoints());
            });
        }
        return wiring;
    }

    private static final class Follower implements LeaderListener {
        private final Backend backend;
        private final PoolKind pool;
        private final HealthWiring health;
        private final ClusterWiring cluster;
        private Optional<String> leader = Optional.empty();

        Follower(Backend backend, PoolKind pool, HealthWiring health, ClusterWiring cluster) {
            this.backend = backend;
            this.pool = pool;
            this.health = health;
            this.cluster = cluster;
        }

        @Override
        public void onLeader(Optional<String> member, long revision) {
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
                    boolean wasUsable = s.usable();
                    if (backend.setVeto(s, DCS, reason) && reason != null) {
                        int cut = wasUsable && s.config().shutdownSessionsOnDown() ? backend.shutdownSessions(s, 'D') : 0;
                        LOG.warn("Server {}/{} withdrawn: {}{}", backend.name(), s.name(), reason,
                                cut > 0 ? "; " + cut + " sessions cut" : "");
                    }
                }
            }
            if (previous.isPresent() || member.isEmpty()) {
                health.hurry(backend);
                cluster.hurry(backend);
            }
        }

        private Optional<Server> server(String member) {
            Optional<String> mapped = cluster.source(backend).flatMap(s -> s.current())
                    .flatMap(v -> v.member(member)).map(Member::server);
            return backend.server(mapped.orElse(member));
        }

        private void liftAll() {
            backend.servers().forEach(s -> backend.setVeto(s, DCS, null));
        }

        @Override
        public void onUnavailable(String reason) {
            LOG.warn("backend '{}': etcd unreachable ({}); routing follows the checks alone", backend.name(), reason);
            leader = Optional.empty();
            liftAll();
        }

        @Override
        public void onAvailable() {
            LOG.info("backend '{}': etcd reachable again", backend.name());
        }
    }

    @Override
    public void close() {
        watches.forEach(EtcdLeaderWatch::close);
    }
}
