package dev.pointsman.testing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.net.Cancellable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The test scheduler the checker and poller tests lean on: if it lies, their cadence assertions do too. */
class ManualSchedulerTest {
    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<String> ran = new ArrayList<>();

    @Test
    void nextDelayIsTheEarliestLiveTimerWhenTheEarliestWasCancelled() {
        // Given timers at 10 s, 5 s and 7 s, and the 5 s one cancelled
        scheduler.schedule(() -> {}, Duration.ofSeconds(10));
        Cancellable five = scheduler.schedule(() -> {}, Duration.ofSeconds(5));
        scheduler.schedule(() -> {}, Duration.ofSeconds(7));
        five.cancel();

        // Then the next one due is the 7 s timer
        assertThat(scheduler.nextDelay()).isEqualTo(Duration.ofSeconds(7));
    }

    @Test
    void executedTasksRunBeforeDueTimersAndTimersInTheirOrder() {
        scheduler.schedule(() -> ran.add("b at 2"), Duration.ofSeconds(2));
        scheduler.schedule(() -> ran.add("a at 1"), Duration.ofSeconds(1));
        scheduler.schedule(() -> ran.add("now"), Duration.ZERO);
        scheduler.execute(() -> ran.add("executed"));

        scheduler.advance(Duration.ofSeconds(1));

        assertThat(ran).containsExactly("executed", "now", "a at 1");
        assertThat(scheduler.nanoTime()).isEqualTo(Duration.ofSeconds(1).toNanos());
        assertThat(scheduler.epochMillis()).isEqualTo(ManualScheduler.EPOCH_MILLIS + 1000);
    }
}
