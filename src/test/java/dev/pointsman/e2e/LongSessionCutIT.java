package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A long session through 5000 does not outlive its node's demotion: it is cut, and the next new
 * connection, opened right after the cut, reaches the new primary.
 */
class LongSessionCutIT extends ClusterScenario {
    static final Duration CUT_BOUND = Duration.ofSeconds(30);

    @BeforeAll
    static void proxy() {
        startProxy("long-session");
        awaitSteadyRouting();
    }

    @Test
    void sessionOnTheDemotedPrimaryIsCutAndTheNextSessionReachesTheNewPrimary() throws Exception {
        String oldLeader = cluster.leader();
        String candidate = cluster.replicas().get(0);
        try (Connection session = LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT)) {
            assertThat(LocalCluster.serverAddress(session)).isEqualTo(LocalCluster.address(oldLeader));

            long t0 = System.nanoTime();
            CompletableFuture<LocalCluster.Switchover> switchover = cluster.switchoverAsync(candidate);
            SQLException cut = awaitCut(session);
            double cutAfter = (System.nanoTime() - t0) / 1e9;
            String server = null;
            boolean inRecovery = true;
            SQLException nextFailure = null;
            try (Connection next = LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT)) {
                server = LocalCluster.serverAddress(next);
                inRecovery = LocalCluster.inRecovery(next);
            } catch (SQLException e) {
                nextFailure = e;
            }
            double nextAfter = (System.nanoTime() - t0) / 1e9;
            switchover.get(LocalCluster.SCRIPT_BOUND.toSeconds(), TimeUnit.SECONDS);

            System.out.printf("[long session] %s: the session on %s was cut %.2f s after the switchover began (%s %s);"
                            + " the next connection, at +%.2f s, %s%n",
                    proxy.name(), oldLeader, cutAfter, cut.getSQLState(), cut.getMessage(), nextAfter,
                    nextFailure != null ? "failed: " + nextFailure.getSQLState() + " " + nextFailure.getMessage()
                            : "reached " + server + " (in recovery: " + inRecovery + ")");
            assertThat(session.isValid(2)).as("the cut session is still usable").isFalse();
            assertThat(nextFailure == null ? null : nextFailure.getSQLState() + " " + nextFailure.getMessage())
                    .as("failure of the first connection through 5000 after the cut").isNull();
            assertThat(server).as("the server of the first connection through 5000 after the cut")
                    .isEqualTo(LocalCluster.address(candidate));
            assertThat(inRecovery).as("the first connection after the cut reached a node in recovery").isFalse();
        }
    }

    /** Queries the session every 100 ms until one fails, bounded by {@link #CUT_BOUND}; returns that failure. */
    private static SQLException awaitCut(Connection session) {
        AtomicReference<SQLException> failure = new AtomicReference<>();
        Awaitility.await("the session through 5000 to be cut").atMost(CUT_BOUND).pollInterval(Duration.ofMillis(100))
                .until(() -> {
                    try {
                        LocalCluster.queryString(session, "SELECT 1");
                        return false;
                    } catch (SQLException e) {
                        failure.set(e);
                        return true;
                    }
                });
        if (failure.get() == null) {
            fail("no failure recorded");
        }
        return failure.get();
    }
}
