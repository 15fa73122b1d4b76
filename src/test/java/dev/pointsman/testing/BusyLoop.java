package dev.pointsman.testing;

import io.netty.channel.EventLoop;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/** An event loop held busy by a test, to make work queued behind it wait. */
public final class BusyLoop {
    private BusyLoop() {}

    /** Holds {@code loop} busy until the returned latch is counted down (at most 10 s). */
    public static CountDownLatch block(EventLoop loop) throws InterruptedException {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch in = new CountDownLatch(1);
        loop.execute(() -> {
            in.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        in.await();
        return release;
    }
}
