package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The leader frozen whole (SIGSTOP of its Patroni, postmaster and every backend) for longer than
 * Patroni's ttl, then resumed, under the write probe and three long sessions through 5000
 * (issue 13). Its leader key lapses, a replica is promoted; when the old leader wakes up it must
 * not be answering anyone through the proxy. Patroni 3.0.2 sometimes lets it take its key back,
 * discarding what the promoted node acknowledged meanwhile: then the split-brain alert must name
 * that node, and when nothing was lost there must be no alert.
 */
class FreezeLeaderIT extends FaultScenario {
    static final Duration HOLD = Duration.ofSeconds(40);
    /**
     * The longest a write attempt may take: no client waits on the frozen leader (the kernel
     * accepts its connections; before, one waited its own 10 s timeout there, defect 3). Pointsman
     * leaves a silent server the view doubts after 0.5 s; the view doubts the leader within about
     * 2.5 s of the freeze (its /patroni capped at 0.75 s, rounds of 1 s; later on a loaded machine);
     * a client left without a primary then waits in the queue up to {@code timeout connect} (4 s)
     * and is refused: 7 s by design, 1 s of slack for a loaded CI machine, still well under the
     * client's 10 s. A session that left the frozen leader does not go back to it while the view
     * doubts it, and a view gone stale keeps that doubt (both sent a client back for its whole 10 s
     * before, 2026-12-01). Measured: 5.25 and 5.96 s on a quiet machine, 6.01 and 6.07 s in CI.
     */
    static final double LONGEST_WAIT_BOUND = 8.0;

    @BeforeAll
    static void proxy() {
        startProxy("freeze-leader");
        awaitSteadyRouting();
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void frozenLeaderAnswersNobodyOnceAnotherNodeHoldsTheKeyAndWritesReachThePromotedNode() throws Exception {
        int alertsBefore = splitBrainAlerts().size();
        FaultReport r = runFault(Fault.FREEZE_WHOLE, HOLD);

        assertRoutedOnlyToTheKeyHolder(r);
        List<String> alerts = splitBrainAlerts();
        assertSplitBrainReportedExactlyWhenWritesWereLost(r, alerts.subList(alertsBefore, alerts.size()));
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.promoted()).as("a node promoted while the leader was frozen (%s)", r.summary()).isNotNull();
        soft.assertThat(r.firstWrite()).as("seconds from the promotion to the first write the new primary acknowledged (%s)",
                r.summary()).isNotNaN();
        System.out.printf("[freeze-whole] longest write attempt %.2f s (bound %.1f s)%n", r.longestWait(), LONGEST_WAIT_BOUND);
        soft.assertThat(r.longestWait()).as("the longest write attempt, in seconds: none waits on the frozen leader (%s)",
                r.summary()).isLessThan(LONGEST_WAIT_BOUND);
        soft.assertAll();
    }

    @Test
    @Timeout(value = 6, unit = TimeUnit.MINUTES)
    void theNewPrimaryTakesWritesWithinASecondOfItsPromotion() throws Exception {
        FaultReport r = runFault(Fault.FREEZE_WHOLE, HOLD);

        assertThat(r.firstWrite()).as("seconds from the promotion to the first write the new primary acknowledged (%s)",
                r.summary()).isLessThanOrEqualTo(1.0);
    }
}
