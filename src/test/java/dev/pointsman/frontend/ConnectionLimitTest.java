package dev.pointsman.frontend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectionLimitTest {

    static String roundTrip(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    static boolean answersWithin(Socket s, int millis) throws Exception {
        s.setSoTimeout(millis);
        try {
            return s.getInputStream().read() >= 0;
        } catch (SocketTimeoutException e) {
            return false;
        } finally {
            s.setSoTimeout(10_000);
        }
    }

    @Test
    void atFrontendMaxconnTheListenerStopsAcceptingUntilASessionEnds() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).maxconn(2).build())) {
            Socket a = proxy.connect();
            Socket b = proxy.connect();
            assertThat(roundTrip(a, "a")).isEqualTo("a");
            assertThat(roundTrip(b, "b")).isEqualTo("b");

            // the kernel completes the handshake (backlog), but Pointsman does not accept it yet
            Socket c = proxy.connect();
            c.getOutputStream().write('c');
            assertThat(answersWithin(c, 300)).isFalse();
            assertThat(proxy.frontend.feconn()).isEqualTo(2);

            a.close();

            assertThat(answersWithin(c, 5000)).isTrue();
            assertThat(proxy.frontend.maxSessions()).isEqualTo(2);
            b.close();
            c.close();
        }
    }

    @Test
    void globalMaxconnLimitsTheWholeProcess() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).build(), 1)) {
            Socket a = proxy.connect();
            assertThat(roundTrip(a, "a")).isEqualTo("a");
            Socket b = proxy.connect();
            b.getOutputStream().write('b');
            assertThat(answersWithin(b, 300)).isFalse();

            a.close();

            assertThat(answersWithin(b, 5000)).isTrue();
            b.close();
            await().untilAsserted(() -> assertThat(proxy.gate.actconn()).isZero());
        }
    }

    /**
     * The measurement: bursts of a few hundred clients against {@code maxconn 5}, all closed
     * again; with two event loops a session ending on one while the listener reaches the limit on the
     * other left the listener paused for good (1 burst in 4 on main).
     */
    @Test
    void aListenerAtMaxconnServesAgainAfterEveryBurstOfClientsHasLeft() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).maxconn(5)
                     .timeoutConnect(Duration.ofSeconds(2)).build())) {
            InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
            for (int round = 1; round <= 20; round++) {
                // Given a burst of clients, more than the backlog holds, against a listener at its limit
                List<SocketChannel> burst = new ArrayList<>();
                try {
                    for (int i = 0; i < 300; i++) {
                        SocketChannel c = SocketChannel.open();
                        burst.add(c);
                        c.configureBlocking(false);
                        c.connect(target);
                    }
                    await().atMost(Duration.ofSeconds(10)).until(() -> proxy.frontend.feconn() == 5);
                } finally {
                    // When every one of them leaves
                    for (SocketChannel c : burst) {
                        c.close();
                    }
                }
                // Then a new client is served within a few seconds (the backlog's dead connections drain first)
                long start = System.nanoTime();
                try (Socket s = proxy.connect()) {
                    s.setSoTimeout(10_000);
                    assertThat(roundTrip(s, "x")).as("round %d: a client after the burst is served", round).isEqualTo("x");
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("round " + round + ": the listener did not serve again within 10 s ("
                            + proxy.frontend.feconn() + " sessions active)", e);
                }
                assertThat(Duration.ofNanos(System.nanoTime() - start)).as("round %d", round)
                        .isLessThan(Duration.ofSeconds(5));
                assertThat(proxy.frontend.maxSessions()).isLessThanOrEqualTo(5);
            }
            await().untilAsserted(() -> assertThat(proxy.gate.actconn()).isZero());
        }
    }

    /**
     * HAProxy's listen backlog: the section's {@code backlog}, else its maxconn. A backlog larger than
     * maxconn kept a hundred dead clients of a burst queued in the kernel; each was then accepted,
     * connected and closed in turn (HostileClientsIT: 4-5 s before a new client was served, HAProxy 0.1 s).
     * Each socket of the address (one per event loop with SO_REUSEPORT) has a queue that size, as each of
     * HAProxy's sockets has.
     */
    @ParameterizedTest(name = "maxconn {0}, backlog {1}: at most {2} handshakes completed while full")
    @CsvSource({"2, 0, 2", "2, 20, 20"})
    void theKernelQueueFollowsTheBacklogElseMaxconn(int maxconn, int backlog, int expected) throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).maxconn(maxconn)
                     .backlog(backlog).build())) {
            // Given a listener at its maxconn
            List<Socket> held = new ArrayList<>();
            List<SocketChannel> waiting = new ArrayList<>();
            try {
                for (int i = 0; i < maxconn; i++) {
                    Socket s = proxy.connect();
                    held.add(s);
                    assertThat(roundTrip(s, "h")).isEqualTo("h");
                }
                // When 100 more clients connect at once
                InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port());
                int completed = 0;
                try (Selector selector = Selector.open()) {
                    for (int i = 0; i < 100; i++) {
                        SocketChannel c = SocketChannel.open();
                        waiting.add(c);
                        c.configureBlocking(false);
                        if (c.connect(target)) {
                            completed++;
                        } else {
                            c.register(selector, SelectionKey.OP_CONNECT);
                        }
                    }
                    long deadline = System.nanoTime() + Duration.ofMillis(500).toNanos();
                    while (System.nanoTime() < deadline) {
                        selector.select(50);
                        for (SelectionKey key : selector.selectedKeys()) {
                            key.cancel();
                            try {
                                if (((SocketChannel) key.channel()).finishConnect()) {
                                    completed++;
                                }
                            } catch (IOException e) {
                                // refused: not completed
                            }
                        }
                        selector.selectedKeys().clear();
                    }
                }
                // Then the kernel completes about as many handshakes as the backlog says (Linux: backlog + 1) on each socket
                int sockets = proxy.frontend.listeners().size();
                assertThat(completed).isBetween(expected * sockets, (expected + 2) * sockets);
            } finally {
                for (SocketChannel c : waiting) {
                    c.close();
                }
                for (Socket s : held) {
                    s.close();
                }
            }
        }
    }
}
