package dev.pointsman.net;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The clocks and the single thread a periodic worker runs on (a health checker, a cluster
 * poller): an event loop in production ({@link #on(EventExecutor)}), a manual scheduler in tests,
 * so that no test sleeps for timing.
 */
public interface Scheduler {
    /** A monotonic clock, for intervals and deadlines. */
    long nanoTime();

    /** The wall clock, for times shown to people. */
    long epochMillis();

    /** Runs {@code task} on this scheduler's thread after {@code delay}. */
    Cancellable schedule(Runnable task, Duration delay);

    /**
     * Runs {@code task} on this scheduler's thread, later (never inline).
     *
     * @throws java.util.concurrent.RejectedExecutionException when the thread is shutting down
     */
    void execute(Runnable task);

    static Scheduler on(EventExecutor executor) {
        return new Scheduler() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long epochMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public Cancellable schedule(Runnable task, Duration delay) {
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
