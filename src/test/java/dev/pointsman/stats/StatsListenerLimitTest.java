package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Config;
import dev.pointsman.config.Global;
import dev.pointsman.frontend.DescriptorBudget;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * How many connections a stats listener holds: HAProxy's rule (the global maxconn; a section's own
 * may raise it), within what the descriptor budget leaves it, so that stats clients can never take
 * the descriptors that checks and proxied sessions need.
 */
class StatsListenerLimitTest {
    static final int IDLE = 300;

    @Test
    void underALowDescriptorLimitIdleConnectionsHoldNoMoreThanTheDescriptorsLeaveTheListener() throws Exception {
        // Given the default maxconn and a stats listener under ulimit -n 256
        Config config = config("", "");
        DescriptorBudget budget = DescriptorBudget.of(config, 256);
        try (BareStatsListener stats = new BareStatsListener(config, budget)) {
            ListenerCounters counters = stats.counters;

            // When 300 clients open a connection each and send nothing
            for (int i = 0; i < IDLE; i++) {
                stats.connect();
            }
            Awaitility.await("the listener saw every connection").atMost(Duration.ofSeconds(10))
                    .until(() -> counters.total.sum() == IDLE);

            // Then it never held more than the budget leaves it, far below the global maxconn
            assertThat(counters.limit).isEqualTo(budget.statsConnections()).isLessThan(budget.maxconn());
            assertThat(counters.max.get()).isEqualTo(budget.statsConnections());
            assertThat(counters.current.get()).isEqualTo(budget.statsConnections());
            // and the newest connections are the ones held: the oldest idle ones gave way
            assertThat(counters.badRequests.sum()).isEqualTo(IDLE - budget.statsConnections());
        }
    }

    @Test
    void withDescriptorsToSpareTheListenerTakesTheGlobalMaxconnAsInHaproxy() throws Exception {
        Config config = config("    maxconn 200\n", "");
        assertThat(StatsServer.limit(config.proxies().get(0), DescriptorBudget.of(config, 1_048_576))).isEqualTo(200);
    }

    @Test
    void aSectionMaxconnAboveTheGlobalOneRaisesIt() throws Exception {
        Config config = config("    maxconn 200\n", "    maxconn 500\n");
        assertThat(StatsServer.limit(config.proxies().get(0), DescriptorBudget.of(config, 1_048_576))).isEqualTo(500);
    }

    @Test
    void anUnknownDescriptorLimitBoundsNothing() throws Exception {
        Config config = config("", "");
        assertThat(StatsServer.limit(config.proxies().get(0), DescriptorBudget.of(config, -1)))
                .isEqualTo(Global.DEFAULT_MAXCONN);
    }

    @Test
    void aSectionMaxconnCannotRaiseItAboveWhatTheDescriptorsLeave() throws Exception {
        Config config = config("", "    maxconn 5000\n");
        DescriptorBudget budget = DescriptorBudget.of(config, 256);
        assertThat(StatsServer.limit(config.proxies().get(0), budget)).isEqualTo(budget.statsConnections());
    }

    private static Config config(String global, String section) throws Exception {
        return BareStatsListener.config("    nbthread 2\n" + global, section);
    }
}
