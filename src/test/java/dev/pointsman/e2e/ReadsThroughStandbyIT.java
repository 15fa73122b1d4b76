package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Reads through 5001 are balanced over both replicas and never reach the primary, plain or TLS clients. */
class ReadsThroughStandbyIT extends ClusterScenario {
    static final int CONNECTIONS = 40;

    @BeforeAll
    static void proxy() {
        startProxy("reads");
        awaitSteadyRouting();
    }

    @Test
    void newConnectionsThroughTheStandbyPortSpreadOverBothReplicasAndNeverReachThePrimary() throws Exception {
        String leader = LocalCluster.address(cluster.leader());
        List<String> replicas = cluster.replicas().stream().map(LocalCluster::address).toList();
        Map<String, Integer> servers = new TreeMap<>();
        int inRecovery = 0;

        for (int i = 0; i < CONNECTIONS; i++) {
            try (Connection c = LocalCluster.connectProxy(LocalCluster.STANDBY_PORT)) {
                servers.merge(LocalCluster.serverAddress(c), 1, Integer::sum);
                inRecovery += LocalCluster.inRecovery(c) ? 1 : 0;
            }
        }

        System.out.printf("[reads] %s: %d connections through 5001 answered by %s (leader %s)%n",
                proxy.name(), CONNECTIONS, servers, leader);
        assertThat(servers).as("servers that answered through 5001").doesNotContainKey(leader);
        assertThat(servers.keySet()).as("servers that answered through 5001").containsExactlyInAnyOrderElementsOf(replicas);
        assertThat(inRecovery).as("connections answered by a node in recovery").isEqualTo(CONNECTIONS);
    }

    @Test
    void tlsClientsThroughTheStandbyPortSpreadOverBothReplicasNeverReachThePrimaryAndStayEncrypted() throws Exception {
        // the proxy sees an SSLRequest and then opaque bytes: routing must not depend on the rest
        String leader = LocalCluster.address(cluster.leader());
        List<String> replicas = cluster.replicas().stream().map(LocalCluster::address).toList();
        Map<String, Integer> servers = new TreeMap<>();
        int inRecovery = 0;
        int encrypted = 0;

        for (int i = 0; i < CONNECTIONS; i++) {
            try (Connection c = LocalCluster.connectProxy(LocalCluster.STANDBY_PORT, true)) {
                servers.merge(LocalCluster.serverAddress(c), 1, Integer::sum);
                inRecovery += LocalCluster.inRecovery(c) ? 1 : 0;
                encrypted += LocalCluster.encrypted(c) ? 1 : 0;
            }
        }

        System.out.printf("[reads] %s: %d TLS connections through 5001 answered by %s (leader %s)%n",
                proxy.name(), CONNECTIONS, servers, leader);
        assertThat(servers).as("servers that answered TLS clients through 5001").doesNotContainKey(leader);
        assertThat(servers.keySet()).as("servers that answered TLS clients through 5001")
                .containsExactlyInAnyOrderElementsOf(replicas);
        assertThat(inRecovery).as("TLS connections answered by a node in recovery").isEqualTo(CONNECTIONS);
        assertThat(encrypted).as("connections the server saw encrypted (pg_stat_ssl)").isEqualTo(CONNECTIONS);
    }
}
