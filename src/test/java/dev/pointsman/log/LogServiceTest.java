package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LogServiceTest {

    @Test
    void anIdleServicesThreadSleepsUntilALineComesInsteadOfWakingOnATimer() {
        LogService service = LogService.none();
        try {
            // a timed poll shows as TIMED_WAITING between wake-ups; a thread that waits for a line, as WAITING
            await().atMost(Duration.ofSeconds(5)).until(() -> service.thread().getState() != Thread.State.RUNNABLE
                    && service.thread().getState() != Thread.State.NEW);
            for (int i = 0; i < 20; i++) {
                assertThat(service.thread().getState()).isEqualTo(Thread.State.WAITING);
                Thread.onSpinWait();
            }
        } finally {
            service.close();
        }
        assertThat(service.thread().isAlive()).isFalse();
    }

    @Test
    void closingAnIdleServiceEndsItsThreadAtOnce() {
        LogService service = LogService.none();
        service.close();

        assertThat(service.thread().isAlive()).isFalse();
    }
}
