package dev.pointsman.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigException;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.testing.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * What a reload does with stats listeners and the stats socket, and how a reload that fails half
 * way leaves the running proxy: as it was, with the reason logged.
 */
class ReloadRefusalsTest {
    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @TempDir
    Path dir;

    @BeforeEach
    void capture() {
        logs.start();
        ((Logger) LoggerFactory.getLogger("pointsman")).addAppender(logs);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger("pointsman")).detachAppender(logs);
    }

    private List<String> lines() {
        return List.copyOf(logs.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static Config parse(String global, String sections) throws ConfigException {
        return ConfigParser.system().parse("reload.cfg", "global\n" + global + """
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 1m
                    timeout server 1m
                """ + sections);
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    private static String db(int port, TestServer a) {
        return "listen db\n    bind 127.0.0.1:" + port + "\n    server a 127.0.0.1:" + a.address().getPort() + "\n";
    }

    private static String stats(int port, String settings) {
        return "listen stats\n    mode http\n    bind 127.0.0.1:" + port + "\n    stats enable\n" + settings;
    }

    private static int get(int port, String path) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static String page(int port, String path) throws Exception {
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static String roundTrip(int port, String text) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
        }
    }

    private static void assertClosed(int port) {
        assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void aStatsListenerTakesItsNewUriAndAdminRuleOnTheSameSocket() throws Exception {
        int statsPort = freePort();
        int dbPort = freePort();
        try (TestServer a = TestServer.echo();
             Pointsman p = Pointsman.start(parse("", stats(statsPort, "    stats uri /\n") + db(dbPort, a)))) {
            List<?> sockets = p.statsAddresses("stats");
            assertThat(page(statsPort, "/")).doesNotContain("<form");

            p.reload(parse("", stats(statsPort, "    stats uri /admin\n    stats admin if LOCALHOST\n") + db(dbPort, a)));

            assertThat(p.statsAddresses("stats")).isEqualTo(sockets);
            assertThat(get(statsPort, "/admin")).isEqualTo(200);
            assertThat(get(statsPort, "/")).isEqualTo(404);
            assertThat(page(statsPort, "/admin")).contains("<form method=\"post\" action=\"/admin\" class=\"actions\" id=\"actions-db\">");
            assertThat(lines()).contains("Reload: stats listener stats: its new settings apply to new requests");
        }
    }

    @Test
    void movingAStatsListenerIsRefusedWithItsLineAndTheRunningOneGoesOn() throws Exception {
        int statsPort = freePort();
        int other = freePort();
        int dbPort = freePort();
        try (TestServer a = TestServer.echo()) {
            Config running = parse("", stats(statsPort, "    stats uri /\n") + db(dbPort, a));
            try (Pointsman p = Pointsman.start(running)) {
                Config moved = parse("", stats(other, "    stats uri /\n") + db(dbPort, a));

                assertThatThrownBy(() -> p.reload(moved)).isInstanceOf(BindFailedException.class).hasMessage(
                        "[reload.cfg:9] : 'stats': a reload cannot move a stats listener from [127.0.0.1:" + statsPort
                                + "] to [127.0.0.1:" + other + "]; restart instead");

                assertThat(p.config()).isSameAs(running);
                assertThat(get(statsPort, "/")).isEqualTo(200);
                assertClosed(other);
            }
        }
    }

    @Test
    void changingTheStatsSocketIsRefusedWithItsLineAndTheRunningSocketGoesOn() throws Exception {
        Path sock = dir.resolve("admin.sock");
        try (TestServer a = TestServer.echo()) {
            String socket = "    stats socket " + sock + " level admin\n";
            int dbPort = freePort();
            Config running = parse(socket, db(dbPort, a));
            try (Pointsman p = Pointsman.start(running)) {
                Config user = parse(socket.replace("level admin", "level user"), db(dbPort, a));

                assertThatThrownBy(() -> p.reload(user)).isInstanceOf(BindFailedException.class)
                        .hasMessageContaining("[reload.cfg:2] : 'stats socket unix@" + sock
                                + "': a reload cannot add or change a stats socket (the runtime API listens there);"
                                + " restart instead");

                assertThat(p.config()).isSameAs(running);
                assertThat(cli(sock, "show cli level")).isEqualTo("admin\n\n");
            }
        }
    }

    private static String cli(Path sock, String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.US_ASCII)));
            StringBuilder out = new StringBuilder();
            ByteBuffer buf = ByteBuffer.allocate(4096);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (ch.read(buf) >= 0 && System.nanoTime() < deadline) {
                buf.flip();
                out.append(StandardCharsets.US_ASCII.decode(buf));
                buf.clear();
            }
            return out.toString();
        }
    }

    @Test
    void aReloadThatFailsHalfWayClosesWhatItBoundLogsWhyAndTheRunningConfigurationGoesOn() throws Exception {
        int dbPort = freePort();
        int added = freePort();
        try (TestServer a = TestServer.echo(); TestServer b = TestServer.echo();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            Config running = parse("", db(dbPort, a));
            try (Pointsman p = Pointsman.start(running);
                 Reloader reloader = new Reloader(p, () -> parse("", "listen db\n    bind 127.0.0.1:" + dbPort
                         + "\n    bind 127.0.0.1:" + added + "\n    server a 127.0.0.1:" + a.address().getPort()
                         + "\n    server b 127.0.0.1:" + b.address().getPort() + "\n"
                         + "listen other\n    bind 127.0.0.1:" + taken.getLocalPort() + "\n    server c 127.0.0.1:"
                         + b.address().getPort() + "\n"), "reload.cfg", new Reloader.Notifier() {
                             @Override
                             public void reloading() {
                             }

                             @Override
                             public void ready(String status) {
                             }
                         })) {
                // When the reload binds db's new address, then fails to bind other's
                assertThat(reloader.request().get(10, TimeUnit.SECONDS)).isFalse();

                // Then db's new address is closed again, nothing of the new configuration stays, and db serves
                assertThat(lines()).contains("Reload: listener db added on 127.0.0.1:" + added,
                                "Reload: undone: the addresses it had bound are closed again")
                        .anyMatch(l -> l.startsWith("Reload refused: [reload.cfg:") && l.contains("'other'")
                                && l.contains("cannot bind") && l.endsWith("; the running configuration goes on"));
                assertClosed(added);
                assertThat(p.config()).isSameAs(running);
                assertThat(p.frontends()).extracting(dev.pointsman.frontend.Frontend::name).containsExactly("db");
                assertThat(p.backends().get("db").servers()).extracting(dev.pointsman.backend.Server::name)
                        .containsExactly("a");
                await().atMost(Duration.ofSeconds(5)).untilAsserted(() ->
                        assertThat(roundTrip(dbPort, "still")).isEqualTo("still"));
            }
        }
    }
}
