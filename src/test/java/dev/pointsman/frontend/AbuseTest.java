package dev.pointsman.frontend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import io.netty.buffer.PooledByteBufAllocator;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;

/** Abusive clients must not take the process down, grow its memory or leak descriptors. */
class AbuseTest {

    private static int openFds() {
        return Objects.requireNonNull(new File("/proc/self/fd").list()).length;
    }

    private static long directMemory() {
        return PooledByteBufAllocator.DEFAULT.metric().usedDirectMemory();
    }

    /** True once {@code counter} is positive and has not moved over {@code polls} polls in a row. */
    private static Callable<Boolean> stalled(LongSupplier counter, int polls) {
        long[] last = {-1};
        int[] still = {0};
        return () -> {
            long now = counter.getAsLong();
            still[0] = now > 0 && now == last[0] ? still[0] + 1 : 0;
            last[0] = now;
            return still[0] >= polls;
        };
    }

    @Test
    void tenThousandConnectionsOpenedAndClosedLeakNoDescriptor() throws Exception {
        try (TestServer echo = TestServer.echo();
             // timeout connect: under load the test server's accept queue overflows and the kernel
             // retries dropped SYNs for minutes; without it those sessions would wait that long
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address()))
                     .timeoutConnect(Duration.ofSeconds(2)).build())) {
            try (Socket warm = proxy.connect()) {
                warm.getOutputStream().write(1);
                warm.getInputStream().read();
            }
            await().untilAsserted(() -> assertThat(proxy.gate.actconn()).isZero());
            int before = openFds();

            for (int i = 0; i < 10_000; i++) {
                try (Socket s = proxy.connect()) {
                    if (i % 2 == 0) {
                        s.getOutputStream().write(1);
                    }
                }
            }

            // generous: the test's echo server starts a thread per connection, slow on a loaded machine
            await().atMost(Duration.ofSeconds(120)).untilAsserted(() -> {
                // every connection accepted and ended (actconn alone reads 0 while some still wait in the backlog)
                assertThat(proxy.frontend.total.sum()).isEqualTo(10_001);
                assertThat(proxy.records).hasSize(10_001);
                assertThat(proxy.gate.actconn()).isZero();
                // Not zero: about one run in three (more under load), one to eight of the echo server's sockets stay
                // ESTABLISHED with no socket left at the other end at all (`ss -tanp` shows the
                // server side only; the proxy's descriptors are back to their count before) - the
                // kernel's handling of a connection that sat in the server's full accept queue while
                // its client side was closed. A leak in the proxy would leave thousands, and its
                // descriptors would show (below).
                assertThat(echo.openConnections()).isLessThanOrEqualTo(20);
                // a leak per connection would show thousands; other components of the test JVM may hold a few
                assertThat(openFds()).isLessThanOrEqualTo(before + 20);
            });
            assertThat(proxy.records).hasSize(10_001);
            assertThat(proxy.frontend.total.sum()).isEqualTo(10_001);
            assertThat(proxy.frontend.rate.max()).as("the frontend's highest session rate").isPositive();
        }
    }

    @Test
    void aClientSendingAsFastAsItCanToAServerThatDoesNotReadIsHeldBackNotBuffered() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        try (TestServer stalled = TestServer.start(s -> {
                 try {
                     release.await();
                 } catch (InterruptedException e) {
                     Thread.currentThread().interrupt();
                 }
             });
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", stalled.address())).build())) {
            long baseline = directMemory();
            AtomicLong written = new AtomicLong();
            Socket client = proxy.connect();
            Thread writer = new Thread(() -> {
                byte[] chunk = new byte[64 * 1024];
                try {
                    OutputStream out = client.getOutputStream();
                    long deadline = System.nanoTime() + Duration.ofSeconds(3).toNanos();
                    while (System.nanoTime() < deadline) {
                        out.write(chunk);
                        written.addAndGet(chunk.length);
                    }
                } catch (IOException e) {
                    // closed at the end of the test
                }
            });
            writer.setDaemon(true);
            writer.start();

            // the client is blocked by TCP flow control: its writes stop (no progress over half a second)
            // instead of growing the proxy's memory; a proxy that buffered would keep taking them
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                    .until(stalled(written::get, 5));
            // only socket buffers hold its bytes
            assertThat(written.get()).isLessThan(64L << 20);
            assertThat(directMemory() - baseline).isLessThan(16L << 20);
            release.countDown();
            client.close();
            writer.join(5000);
        }
    }

    @Test
    void silentClientsDoNotDelayOthers() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).build())) {
            List<Socket> silent = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                silent.add(proxy.connect());
            }
            long start = System.nanoTime();
            try (Socket s = proxy.connect()) {
                s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("hi");
            }
            // a blocked event loop would hold it for good; a loaded machine can take a second or two
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
            for (Socket s : silent) {
                s.close();
            }
            await().untilAsserted(() -> assertThat(proxy.gate.actconn()).isZero());
        }
    }
}
