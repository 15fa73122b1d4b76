package dev.pointsman.check;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The clock and the single thread a {@link HealthChecker} runs on. In production an event loop
 * ({@link #on(EventExecutor)}); in tests a manual scheduler, so that no test sleeps for timing.
 */
interface CheckScheduler {
    long nanoTime();

    /** Runs {@code task} on this scheduler's thread after {@code delay}. */
    Probe.Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} on this scheduler's thread, later (never inline). */
    void execute(Runnable task);

    static CheckScheduler on(EventExecutor executor) {
        return new CheckScheduler() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public Probe.Cancellable schedule(Runnable task, Duration delay) {
                var future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> future.cancel(false);
            }

            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }
        };
    }
}
