package dev.pointsman.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

class LifecycleTest {

    private static Config config(int port, TestServer echo) throws Exception {
        return ConfigParser.system().parse("life.cfg", """
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 1m
                    timeout server 1m
                listen db
                    bind 127.0.0.1:%d
                    server s1 127.0.0.1:%d
                """.formatted(port, echo.address().getPort()));
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static int port(Pointsman p) {
        return p.frontend("db").orElseThrow().boundAddresses().get(0).getPort();
    }

    @Test
    void aSoftStopClosesTheListenerAtOnceLetsSessionsDrainThenCutsThemAtHardStopAfter() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            Pointsman p = Pointsman.start(EphemeralPorts.of(config(1, echo)));
            int port = port(p);
            Socket live = new Socket(InetAddress.getLoopbackAddress(), port);
            assertThat(roundTrip(live, "a")).isEqualTo("a");

            long start = System.nanoTime();
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> p.stop(Optional.of(Duration.ofMillis(800))));
            await().atMost(Duration.ofSeconds(2)).until(() -> !p.frontend("db").orElseThrow().accepting());

            // no new connection is accepted, but the live session still works
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .isInstanceOf(ConnectException.class);
            assertThat(roundTrip(live, "b")).isEqualTo("b");

            // at hard-stop-after it is cut
            live.setSoTimeout(5000);
            assertThat(live.getInputStream().read()).isEqualTo(-1);
            stopping.get();
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
            live.close();
        }
    }

    @Test
    void aSoftStopWithoutSessionsEndsAtOnce() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            Pointsman p = Pointsman.start(EphemeralPorts.of(config(1, echo)));
            long start = System.nanoTime();

            p.stop(Optional.empty());

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aPortThatCannotBeBoundIsAFatalClearError() throws Exception {
        try (TestServer echo = TestServer.echo();
             java.net.ServerSocket taken = new java.net.ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            assertThatThrownBy(() -> Pointsman.start(config(taken.getLocalPort(), echo)))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("[life.cfg:7]")
                    .hasMessageContaining("cannot bind 127.0.0.1:" + taken.getLocalPort());
        }
    }
}
