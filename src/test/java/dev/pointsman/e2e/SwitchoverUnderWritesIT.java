package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A planned switchover, then a second one back to the former leader, each under the write probe
 * (a new connection and an INSERT every 50 ms through 5000): no write may reach a replica, and
 * every acknowledged row must be on the new primary afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverUnderWritesIT extends ClusterScenario {
    private static String formerLeader;

    @BeforeAll
    static void proxy() {
        startProxy("switchover");
        awaitSteadyRouting();
    }

    @Test
    @Order(1)
    void plannedSwitchoverSendsNoWriteToAReplicaAndLosesNoAcknowledgedRow() throws Exception {
        formerLeader = cluster.leader();

        ProbeReport report = underWrites("switchover", () -> cluster.switchover().newLeader());

        assertThat(cluster.leader()).isNotEqualTo(formerLeader);
        assertNoMisroutedWriteAndNoLostRow(report);
    }

    @Test
    @Order(2)
    void switchoverBackToTheFormerLeaderSendsNoWriteToAReplicaAndLosesNoAcknowledgedRow() throws Exception {
        String back = formerLeader != null && !formerLeader.equals(cluster.leader())
                ? formerLeader
                : cluster.replicas().get(0);

        ProbeReport report = underWrites("switchover back", () -> cluster.switchover(back).newLeader());

        assertThat(cluster.leader()).isEqualTo(back);
        assertNoMisroutedWriteAndNoLostRow(report);
    }
}
