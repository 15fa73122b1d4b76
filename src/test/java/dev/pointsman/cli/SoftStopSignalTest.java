package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pointsman.testing.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGUSR1 is HAProxy's soft stop: a Pointsman process (a child JVM on this build's classpath)
 * stops accepting, lets a live session relay until {@code hard-stop-after}, then exits 0.
 */
class SoftStopSignalTest {
    @TempDir
    Path dir;

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5000);
        return s;
    }

    @Test
    void sigusr1StopsAcceptingLetsSessionsFinishUntilHardStopAfterAndExitsZero() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            int port = freePort();
            Path cfg = Files.writeString(dir.resolve("p.cfg"), "global\n    hard-stop-after 2s\n"
                    + "defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1m\n    timeout server 1m\n"
                    + "listen db\n    bind 127.0.0.1:" + port + "\n    server a 127.0.0.1:" + echo.address().getPort() + "\n");
            Path log = dir.resolve("out.log");
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp", System.getProperty("java.class.path"), "dev.pointsman.Main", "-f", cfg.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            try {
                await().atMost(Duration.ofSeconds(20)).until(() -> Files.readString(log).contains("Proxy started"));
                try (Socket live = connect(port)) {
                    assertThat(roundTrip(live, "before")).isEqualTo("before");

                    new ProcessBuilder("kill", "-USR1", Long.toString(p.pid())).start().waitFor(5, TimeUnit.SECONDS);

                    // the listener closes, the live session goes on relaying
                    await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                            assertThatThrownBy(() -> connect(port).close()).isInstanceOf(ConnectException.class));
                    assertThat(roundTrip(live, "during")).isEqualTo("during");
                    assertThat(p.isAlive()).isTrue();
                    // hard-stop-after ends it, and the process exits 0
                    assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
                    assertThat(live.getInputStream().read()).isEqualTo(-1);
                }
                assertThat(p.exitValue()).isZero();
                assertThat(Files.readString(log)).contains("SIGUSR1: soft stop", "Proxy stopping: 1 sessions active",
                        "hard-stop-after reached: 1 sessions closed", "Proxy stopped.");
            } finally {
                p.destroyForcibly();
            }
        }
    }
}
