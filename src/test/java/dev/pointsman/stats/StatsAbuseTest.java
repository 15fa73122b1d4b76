package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Stats clients that misbehave must not slow proxying, and their connections are bounded in number and time. */
class StatsAbuseTest {
    StatsFixture fx;
    final List<Socket> slow = new ArrayList<>();
    final StringBuilder answers = new StringBuilder();

    @BeforeEach
    void start() throws Exception {
        fx = new StatsFixture("", "    timeout client 1s\n");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                fx.proxy.backends().get("primary").server("pg-1").orElseThrow().opState() == Server.OpState.UP);
    }

    @AfterEach
    void stop() {
        for (Socket s : slow) {
            try {
                s.close();
            } catch (IOException ignored) {
                // teardown
            }
        }
        fx.close();
    }

    @Test
    void hundredUnfinishedStatsRequestsDoNotSlowProxyingAndAreClosedByTheDeadline() throws Exception {
        // Given a proxy that has relayed once (the first session loads its classes: not what is measured)
        roundTrip("warm-up");
        // and 100 stats connections that send half a request and never finish it
        for (int i = 0; i < 100; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.statsPort);
            s.setSoTimeout(50);
            OutputStream out = s.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: stats\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            slow.add(s);
        }

        // When clients proxy through the primary port meanwhile
        long worst = 0;
        long start = System.nanoTime();
        for (int i = 0; i < 100; i++) {
            long t0 = System.nanoTime();
            roundTrip("ping-" + i);
            worst = Math.max(worst, System.nanoTime() - t0);
        }
        long total = System.nanoTime() - start;

        // Then proxying stays fast
        assertThat(Duration.ofNanos(worst)).as("slowest proxied round trip").isLessThan(Duration.ofMillis(500));
        assertThat(Duration.ofNanos(total)).as("100 proxied round trips").isLessThan(Duration.ofSeconds(5));
        // and at most the listener's limit (the global maxconn, 200) of stats connections was kept
        assertThat(openCount()).isLessThanOrEqualTo(200);
        // and the kept ones are answered 408 and closed when the request deadline (timeout client 1s) passes
        Awaitility.await("every unfinished stats connection closed").atMost(Duration.ofSeconds(5))
                .until(() -> openCount() == 0);
        assertThat(answers.toString()).startsWith("HTTP/1.1 408 Request Timeout\r\n").doesNotContain("HTTP/1.1 200")
                .doesNotContain("400 Bad Request");
        // counted once each as request errors (ereq), not again when the codec flushes the half request at close
        assertThat(fx.proxy.stats().listenerCounters("stats").orElseThrow().badRequests.sum()).isEqualTo(100);
        // and the page answers again
        assertThat(fx.get("/;csv")).contains("primary,pg-1");
    }

    private void roundTrip(String text) throws IOException {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), fx.primaryPort)) {
            c.setSoTimeout(2000);
            byte[] msg = text.getBytes(StandardCharsets.US_ASCII);
            c.getOutputStream().write(msg);
            assertThat(c.getInputStream().readNBytes(msg.length)).isEqualTo(msg);
        }
    }

    /** Sockets the server has not closed yet (a read that times out means still open); what closed ones got. */
    private int openCount() {
        int open = 0;
        for (Socket s : slow) {
            if (s.isClosed()) {
                continue;
            }
            try {
                InputStream in = s.getInputStream();
                byte[] buf = new byte[512];
                int n;
                while ((n = in.read(buf)) >= 0) {
                    answers.append(new String(buf, 0, n, StandardCharsets.US_ASCII));
                }
                s.close();
            } catch (SocketTimeoutException e) {
                open++;
            } catch (IOException e) {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // reset by peer counts as closed
                }
            }
        }
        return open;
    }
}
