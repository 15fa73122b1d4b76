package dev.pointsman.e2e;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The proxy starts while a switchover is under way (the old leader is already stopping), and the
 * write probe begins as soon as 5000 accepts: nothing may be routed to a replica, even before the
 * proxy's first health checks have settled.
 */
class StartMidSwitchoverIT extends ClusterScenario {

    @Test
    void proxyStartedDuringASwitchoverSendsNoWriteToAReplicaAndLosesNoAcknowledgedRow() throws Exception {
        String oldLeader = cluster.leader();
        String candidate = cluster.replicas().get(0);
        WriteProbe.createTable(cluster);

        CompletableFuture<LocalCluster.Switchover> switchover = cluster.switchoverAsync(candidate);
        Awaitility.await(oldLeader + " to begin stopping").atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> switchover.isDone() || !cluster.patroniState(oldLeader).equals("master/running"));
        System.out.printf("[start mid-switchover] starting the proxy with %s %s, %s %s%n", oldLeader,
                cluster.patroniState(oldLeader), candidate, cluster.patroniState(candidate));
        startProxy("start-mid-switchover");

        ProbeReport report;
        try (WriteProbe probe = WriteProbe.start("start mid-switchover", proxy.name())) {
            switchover.get(LocalCluster.SCRIPT_BOUND.toSeconds(), TimeUnit.SECONDS);
            probe.mark("switchover returned");
            probe.awaitAcknowledgedBy(LocalCluster.address(candidate), SETTLED_ACKS, WRITES_RESUME_BOUND);
            report = probe.stopAndCountLost(cluster, candidate);
        }

        assertNoMisroutedWriteAndNoLostRow(report);
    }
}
