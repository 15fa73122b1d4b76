package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A long session through 5000 does not outlive its node's demotion: it is cut (Patroni stops the
 * old primary's PostgreSQL; the proxy must pass the close on), and the application's reconnection
 * lands on the new primary, never on the demoted node.
 */
class LongSessionCutIT extends ClusterScenario {
    static final Duration CUT_BOUND = Duration.ofSeconds(30);
    static final Duration RECONNECT_BOUND = Duration.ofSeconds(30);
    static final Duration RECONNECT_PAUSE = Duration.ofMillis(100);

    @BeforeAll
    static void proxy() {
        startProxy("long-session");
        awaitSteadyRouting();
    }

    @Test
    void sessionOnTheDemotedPrimaryIsCutAndTheReconnectionReachesTheNewPrimary() throws Exception {
        String oldLeader = cluster.leader();
        String candidate = cluster.replicas().get(0);
        try (Connection session = LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT)) {
            assertThat(LocalCluster.serverAddress(session)).isEqualTo(LocalCluster.address(oldLeader));

            long t0 = System.nanoTime();
            CompletableFuture<LocalCluster.Switchover> switchover = cluster.switchoverAsync(candidate);
            SQLException cut = awaitCut(session);
            double cutAfter = (System.nanoTime() - t0) / 1e9;
            List<String> failedReconnects = new ArrayList<>();
            String server = null;
            boolean inRecovery = true;
            long deadline = System.nanoTime() + RECONNECT_BOUND.toNanos();
            while (server == null && System.nanoTime() < deadline) {
                try (Connection next = LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT)) {
                    server = LocalCluster.serverAddress(next);
                    inRecovery = LocalCluster.inRecovery(next);
                } catch (SQLException e) {
                    failedReconnects.add(e.getSQLState() + " " + e.getMessage());
                    Thread.sleep(RECONNECT_PAUSE.toMillis());
                }
            }
            double reconnectedAfter = (System.nanoTime() - t0) / 1e9;
            switchover.get(LocalCluster.SCRIPT_BOUND.toSeconds(), TimeUnit.SECONDS);

            System.out.printf("[long session] %s: the session on %s was cut %.2f s after the switchover began (%s %s);"
                            + " reconnected at +%.2f s to %s (in recovery: %s) after %d failed attempt(s) %s%n",
                    proxy.name(), oldLeader, cutAfter, cut.getSQLState(), cut.getMessage(), reconnectedAfter, server,
                    inRecovery, failedReconnects.size(), failedReconnects);
            assertThat(session.isValid(2)).as("the cut session is still usable").isFalse();
            assertThat(server).as("the server of the first session established through 5000 after the cut")
                    .isEqualTo(LocalCluster.address(candidate));
            assertThat(inRecovery).as("the first session after the cut is on a node in recovery").isFalse();
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
        return failure.get();
    }
}
