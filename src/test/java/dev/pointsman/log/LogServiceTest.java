package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.config.LogTarget;
import dev.pointsman.config.LogTarget.Facility;
import dev.pointsman.config.LogTarget.Format;
import dev.pointsman.config.LogTarget.Kind;
import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.config.Source;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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

    /** A sender whose first line waits until {@link #release} opens; counts the lines it sent. */
    private static final class HeldSender implements LogSender {
        final CountDownLatch holding = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final AtomicInteger sent = new AtomicInteger();

        @Override
        public boolean send(String line, int maxLength) {
            holding.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            sent.incrementAndGet();
            return true;
        }

        @Override
        public void close() {
        }
    }

    @Test
    void closingWithAFullQueueReturnsOnceTheQueueIsSentNotAfterTheWholeBound() throws Exception {
        LogTarget target = new LogTarget(Kind.STDOUT, "", 0, Facility.LOCAL0, Level.DEBUG, Level.EMERG, Format.RAW,
                LogTarget.DEFAULT_MAX_LENGTH, new Source("t.cfg", 1));
        HeldSender sender = new HeldSender();
        LogService service = new LogService(4, "h", SyslogFormat.TAG);
        service.thread().start();
        // Given a thread held in sending a line, and a full queue behind it
        service.offer(new LogService.Event(target, sender, Level.INFO, 0, "t", "first"));
        assertThat(sender.holding.await(5, TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 4; i++) {
            service.offer(new LogService.Event(target, sender, Level.INFO, 0, "t", "queued " + i));
        }
        assertThat(service.dropped()).isZero();
        // When the service closes, and the line then goes
        Thread closing = new Thread(service::close, "closing");
        closing.start();
        await().atMost(Duration.ofSeconds(5)).until(() -> closing.getState() == Thread.State.TIMED_WAITING
                || closing.getState() == Thread.State.WAITING);
        sender.release.countDown();
        // Then every line is sent and the close returns soon after, not at its one-second bound
        await().atMost(Duration.ofMillis(500)).until(() -> !closing.isAlive());
        assertThat(sender.sent.get()).isEqualTo(5);
        assertThat(service.thread().isAlive()).isFalse();
    }
}
