package dev.pointsman.frontend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ConnectionLimitTest {

    private static String roundTrip(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static boolean answersWithin(Socket s, int millis) throws Exception {
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
}
