package dev.pointsman.e2e;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The standby pool's faults (issue 13): a replica crashing, and a replica lagging (its WAL replay
 * paused), each while the write probe writes through 5000, three long sessions read through 5001
 * and the read probe opens a new connection through 5001 every 50 ms. What a client of 5001 sees
 * of the crash (a read or two in flight on the dying replica fail) and how stale the lagging
 * replica's answers are (the reference config sets no lag limit) is printed, not asserted.
 */
class ReplicaFaultsIT extends FaultScenario {
    static final Duration HOLD = Duration.ofSeconds(15);

    @BeforeAll
    static void proxy() {
        startProxy("replica-faults");
        awaitSteadyRouting();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void crashedReplicaSendsNoReadToThePrimaryAndWritesGoOnUndisturbed() throws Exception {
        FaultReport r = runFault(Fault.REPLICA_CRASH, HOLD);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.reads().toPrimary()).as("reads through 5001 answered by the primary (%s)", r.summary()).isZero();
        soft.assertThat(r.reads().attempts() - r.reads().failed()).as("reads through 5001 answered (%s)", r.summary())
                .isGreaterThan(r.reads().attempts() * 9 / 10);
        soft.assertThat(r.failed()).as("writes through 5000 that failed while a replica crashed (%s)", r.summary()).isZero();
        soft.assertThat(r.misrouted()).as("writes routed to a node not holding the leader key (%s)", r.summary()).isZero();
        soft.assertAll();
    }

    @Test
    @Timeout(value = 4, unit = TimeUnit.MINUTES)
    void laggingReplicaKeepsServingReadsAndNothingReachesThePrimary() throws Exception {
        FaultReport r = runFault(Fault.REPLICA_LAG, HOLD);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.reads().toPrimary()).as("reads through 5001 answered by the primary (%s)", r.summary()).isZero();
        soft.assertThat(r.reads().failed()).as("reads through 5001 that failed (%s)", r.summary()).isZero();
        soft.assertThat(r.failed()).as("writes that failed (%s)", r.summary()).isZero();
        soft.assertThat(r.misrouted()).as("writes routed to a node not holding the leader key (%s)", r.summary()).isZero();
        soft.assertAll();
    }
}
