package dev.pointsman.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.config.PatroniView;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Read-only against the cluster on this machine (pg-1/2/3 = 127.0.0.11-13, Patroni REST :8008):
 * discovery through OPTIONS-style checks, one view, its table. Skipped loudly when the cluster is
 * not there; fails instead when CI is set. Never switches anything over.
 */
class RealClusterIT {

    @Test
    void learnsTheRealClusterFromTheReferenceConfigChecks() throws Exception {
        boolean up = reachable(new InetSocketAddress("127.0.0.11", 8008));
        if (!up) {
            String message = "RealClusterIT SKIPPED: no Patroni REST API at 127.0.0.11:8008 (start the cluster: scripts/cluster)";
            System.err.println("!!! " + message);
            assertThat(System.getenv("CI")).as(message).isNull();
            Assumptions.abort(message);
        }
        List<ServerConfig> servers = List.of(
                Fixtures.server("pg-1", "127.0.0.11", 5432, 8008),
                Fixtures.server("pg-2", "127.0.0.12", 5432, 8008),
                Fixtures.server("pg-3", "127.0.0.13", 5432, 8008));
        Proxy backend = Fixtures.backend("/", PatroniView.AUTO, servers);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try (ClusterSource source = ClusterSource.start(backend, group, NioSocketChannel.class, (v, c) -> { })
                .orElseThrow()) {
            await().atMost(Duration.ofSeconds(10)).until(() -> source.current().isPresent());
            ClusterView v = source.current().get();
            System.out.println(ClusterTable.format(v));
            assertThat(v.scope()).isEqualTo("pointsman");
            assertThat(v.members()).extracting(Member::server).containsExactlyInAnyOrder("pg-1", "pg-2", "pg-3");
            assertThat(v.unknownServers()).isEmpty();
            if (v.problem() == null && v.leader() != null && v.leaderStatus().confirmed()) {
                String leader = v.member(v.leader()).orElseThrow().server();
                assertThat(RoutingRules.verdict(v, Pool.PRIMARY, leader, Instant.now()).allowed()).isTrue();
                assertThat(servers.stream().map(ServerConfig::name).filter(n -> !n.equals(leader))
                        .map(n -> RoutingRules.verdict(v, Pool.PRIMARY, n, Instant.now())))
                        .allMatch(verdict -> !verdict.allowed());
            }
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    private static boolean reachable(InetSocketAddress address) {
        try (Socket s = new Socket()) {
            s.connect(address, 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
