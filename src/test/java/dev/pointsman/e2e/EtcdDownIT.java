package dev.pointsman.e2e;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every etcd member stopped for longer than Patroni's ttl with failsafe_mode off (this cluster's
 * default), then started again, under the write probe and three long sessions through 5000
 * (issue 13). Patroni demotes the leader when it cannot reach the DCS; once etcd is back a leader
 * is elected again.
 */
class EtcdDownIT extends FaultScenario {
    static final Duration HOLD = Duration.ofSeconds(40);

    @BeforeAll
    static void proxy() {
        startProxy("etcd-down");
        awaitSteadyRouting();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void withoutTheDcsNoWriteReachesANonPrimaryAndWritesResumeOnTheNextLeader() throws Exception {
        FaultReport r = runFault(Fault.ETCD_DOWN, HOLD);

        assertRoutedOnlyToTheKeyHolder(r);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.promoted()).as("a node took the leader key once etcd was back (%s)", r.summary()).isNotNull();
        soft.assertAll();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void afterTheDcsReturnsTheLeaderTakesWritesWithinASecondOfItsPromotion() throws Exception {
        FaultReport r = runFault(Fault.ETCD_DOWN, HOLD);

        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.promoted()).as("a node took the leader key once etcd was back (%s)", r.summary()).isNotNull();
        soft.assertThat(r.firstWrite()).as("seconds from the promotion to the first write it acknowledged (%s)",
                r.summary()).isLessThanOrEqualTo(1.0);
        soft.assertAll();
    }
}
