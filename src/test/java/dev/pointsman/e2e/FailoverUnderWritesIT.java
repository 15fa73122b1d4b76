package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The primary crashes (kill -9 of its Patroni and postmaster) under the write probe; Patroni
 * promotes a replica once the leader key lapses (~30 s). No write may reach a replica meanwhile,
 * and every acknowledged row must be on the new primary. The crashed node is restored afterwards.
 */
class FailoverUnderWritesIT extends ClusterScenario {

    @BeforeAll
    static void proxy() {
        startProxy("failover");
        awaitSteadyRouting();
    }

    @Test
    void crashOfThePrimarySendsNoWriteToAReplicaAndLosesNoAcknowledgedRow() throws Exception {
        String crashed = cluster.leader();

        ProbeReport report = underWrites("failover", () -> cluster.failover().newLeader());

        assertThat(cluster.leader()).isNotEqualTo(crashed);
        assertNoMisroutedWriteAndNoLostRow(report);
    }
}
