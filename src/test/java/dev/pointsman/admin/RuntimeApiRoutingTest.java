package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Server;
import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.SyslogReceiver;
import dev.pointsman.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A running Pointsman driven through its stats socket: admin states take effect on routing at
 * once, are logged in HAProxy's words to the proxy's log targets, and the socket lives and dies
 * with the proxy.
 */
class RuntimeApiRoutingTest {
    @TempDir
    Path dir;

    private TestServer echo;
    private TestServer spareEcho;
    private SyslogReceiver syslog;
    private Pointsman proxy;
    private Path sock;

    private void start(String extraServers) throws Exception {
        echo = TestServer.echo();
        syslog = new SyslogReceiver();
        sock = dir.resolve("admin.sock");
        Config config = ConfigParser.system().parse("api.cfg", """
                global
                    stats socket %s mode 600 level admin
                defaults
                    mode tcp
                    log 127.0.0.1:%d local0
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                    timeout queue 10s
                listen one
                    bind 127.0.0.1:1
                    server solo 127.0.0.1:%d
                %s""".formatted(sock, syslog.port(), echo.address().getPort(), extraServers));
        proxy = Pointsman.start(EphemeralPorts.of(config));
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.stop(Optional.of(Duration.ZERO));
        }
        if (echo != null) {
            echo.close();
        }
        if (spareEcho != null) {
            spareEcho.close();
        }
        if (syslog != null) {
            syslog.close();
        }
    }

    private String cli(String line) throws IOException {
        return CliClient.exchange(sock, line + "\n");
    }

    private Socket client() throws IOException {
        int port = proxy.frontend("one").orElseThrow().boundAddresses().get(0).getPort();
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(10_000);
        return s;
    }

    private static String echoed(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    @Test
    void maintenanceOfTheOnlyServerHoldsNewClientsInTheQueueAndReadyReleasesThem() throws Exception {
        start("");
        // Given the only server put in maintenance
        assertThat(cli("set server one/solo state maint")).isEqualTo("\n");
        try (Socket waiting = client()) {
            // When a client connects and speaks
            waiting.getOutputStream().write("hello".getBytes(StandardCharsets.US_ASCII));
            // Then it waits in the queue, and the server sees nothing
            await().atMost(Duration.ofSeconds(5)).until(() -> proxy.backends().get("one").queued() == 1);
            waiting.setSoTimeout(300);
            InputStream in = waiting.getInputStream();
            try {
                int b = in.read();
                throw new AssertionError("a client of a server in maintenance got " + b);
            } catch (SocketTimeoutException held) {
                // held, as it should be
            }
            assertThat(echo.accepted.get()).isZero();
            assertThat(cli("show stat one 2 -1").lines().skip(1).findFirst().orElseThrow().split(",")[2])
                    .as("qcur of the backend").isEqualTo("1");

            // When the server is made ready, the client is released to it
            assertThat(cli("set server one/solo state ready")).isEqualTo("\n");
            waiting.setSoTimeout(10_000);
            assertThat(new String(in.readNBytes(5), StandardCharsets.US_ASCII)).isEqualTo("hello");
        }
    }

    @Test
    void drainKeepsLiveSessionsTakesNoNewOneAndShutdownSessionsCutsThem() throws Exception {
        start("");
        try (Socket live = client()) {
            assertThat(echoed(live, "a")).isEqualTo("a");
            assertThat(cli("show sess")).matches("0x[0-9a-f]+: proto=tcpv4 src=127\\.0\\.0\\.1:\\d+ fe=one be=one srv=solo"
                    + " age=\\d+s\n\n");

            assertThat(cli("set server one/solo state drain")).isEqualTo("\n");
            assertThat(echoed(live, "b")).as("a drained server keeps its sessions").isEqualTo("b");
            try (Socket late = client()) {
                late.getOutputStream().write('x');
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.backends().get("one").queued() == 1);
            }

            assertThat(cli("shutdown sessions server one/solo")).isEqualTo("\n");
            assertThat(live.getInputStream().read()).as("cut").isEqualTo(-1);
            assertThat(proxy.backends().get("one").server("solo").orElseThrow().counters().killed.sum()).isEqualTo(1);
        }
    }

    @Test
    void stateChangesAreLoggedToTheProxysTargetsInHaproxysWords() throws Exception {
        start("");
        cli("set server one/solo state maint");
        cli("set server one/solo state ready");

        await().atMost(Duration.ofSeconds(5)).until(() -> syslog.lines.stream()
                .anyMatch(l -> l.contains("Server one/solo is UP/READY (leaving forced maintenance).")));
        assertThat(syslog.lines).anySatisfy(l -> assertThat(l).startsWith("<129>").endsWith(
                "Server one/solo is going DOWN for maintenance. 0 active and 0 backup servers left."
                        + " 0 sessions active, 0 requeued, 0 remaining in queue."));
        assertThat(syslog.lines).anySatisfy(l -> assertThat(l).startsWith("<128>")
                .endsWith("proxy one has no server available!"));
    }

    @Test
    void enablingAServerDisabledInTheConfigurationStartsItsChecksAndItTakesTraffic() throws Exception {
        spareEcho = TestServer.echo();
        start("    server spare 127.0.0.1:%d check inter 100ms rise 1 disabled\n".formatted(spareEcho.address().getPort()));
        Server spare = proxy.backends().get("one").server("spare").orElseThrow();
        assertThat(spare.opState()).as("checked servers start DOWN").isEqualTo(Server.OpState.DOWN);
        await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2)).until(() -> spare.lastCheck().isEmpty());

        assertThat(cli("enable server one/spare")).isEqualTo("\n");
        cli("set server one/solo state maint");

        await().atMost(Duration.ofSeconds(5)).until(spare::usable);
        try (Socket s = client()) {
            assertThat(echoed(s, "via spare")).isEqualTo("via spare");
        }
    }

    @Test
    void showInfoReportsTheRunningProcessAndTheSocketGoesAtStop() throws Exception {
        start("");
        try (Socket live = client()) {
            echoed(live, "a");
            String info = cli("show info");
            assertThat(info).startsWith("Name: Pointsman\n").contains("\nPid: " + ProcessHandle.current().pid() + "\n",
                    "\nCurrConns: 1\n", "\nMaxconn: ", "\nListeners: 2\n", "\nStopping: 0\n");
        }
        proxy.stop(Optional.of(Duration.ZERO));
        proxy = null;
        assertThat(sock).doesNotExist();
    }
}
