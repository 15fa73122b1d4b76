package dev.pointsman.cluster;

import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The clocks and the single thread a {@link Poller} runs on: an event loop in production, a
 * manual ticker in tests so that cadence tests never sleep.
 */
interface Ticker {
    long nanoTime();

    long epochMillis();

    HttpClient.Cancellable schedule(Runnable task, Duration delay);

    /** Runs {@code task} on this ticker's thread, later (never inline). */
    void execute(Runnable task);

    static Ticker on(EventExecutor executor) {
        return new Ticker() {
            @Override
            public long nanoTime() {
                return System.nanoTime();
            }

            @Override
            public long epochMillis() {
                return System.currentTimeMillis();
            }

            @Override
            public HttpClient.Cancellable schedule(Runnable task, Duration delay) {
                var f = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                return () -> f.cancel(false);
            }

            @Override
            public void execute(Runnable task) {
                executor.execute(task);
            }
        };
    }
}
