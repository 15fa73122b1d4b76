package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Config;
import dev.pointsman.frontend.DescriptorBudget;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Closing a stats listener closes the connections it holds, there and then, on its own loop: their
 * half-read requests are released by their handlers, not left for the event loops' shutdown (which
 * lost some of them: Netty reported their decoder buffers as leaks).
 */
class StatsServerCloseTest {
    BareStatsListener stats;

    @AfterEach
    void stop() {
        if (stats != null) {
            stats.close();
        }
    }

    @Test
    void closingTheListenerClosesItsHeldConnectionsAtOnceNotAtTheirDeadline() throws Exception {
        // Given a stats listener (timeout client 30s) holding five half-sent requests
        Config config = BareStatsListener.config("    maxconn 50\n", "");
        stats = new BareStatsListener(config, DescriptorBudget.of(config));
        int port = stats.port;
        for (int i = 0; i < 5; i++) {
            stats.connect().getOutputStream().write("GET /;csv HTTP/1.1\r\nHost: st".getBytes(StandardCharsets.US_ASCII));
        }
        ListenerCounters counters = stats.counters;
        Awaitility.await("five held").atMost(Duration.ofSeconds(5)).until(() -> counters.current.get() == 5);

        // When the listener closes (the event loops keep running)
        long t0 = System.nanoTime();
        stats.server.close();

        // Then every client sees its connection closed within a second, and none is held any more
        for (Socket s : stats.clients()) {
            assertThat(endOfStream(s)).as("connection closed by the server").isTrue();
        }
        assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(2));
        assertThat(counters.current.get()).isZero();
        // and no new connection is accepted
        assertThat(refused(port)).isTrue();
    }

    private static boolean endOfStream(Socket s) throws IOException {
        s.setSoTimeout(1000);
        try {
            while (s.getInputStream().read() >= 0) {
                // a 503 or nothing: what matters is the end
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    private static boolean refused(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(1000);
            return s.getInputStream().read() < 0;
        } catch (IOException e) {
            return true;
        }
    }
}
