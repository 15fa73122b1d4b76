package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Server;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A running Pointsman's {@code log} lines, received by a UDP syslog server in the test. */
class LogTargetsTest {
    /** local2 = facility 18: PRI = 18 * 8 + level. */
    static final int EMERG = 144;
    static final int ALERT = 145;
    static final int WARNING = 148;
    static final int NOTICE = 149;
    static final int INFO = 150;

    DatagramSocket syslog;
    final List<String> lines = new CopyOnWriteArrayList<>();
    Thread receiver;
    StatsFixture fx;

    @BeforeEach
    void listen() throws Exception {
        syslog = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        syslog.setSoTimeout(100);
        receiver = new Thread(() -> {
            byte[] buf = new byte[4096];
            while (!syslog.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    syslog.receive(p);
                    lines.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                } catch (SocketTimeoutException e) {
                    // poll again
                } catch (Exception e) {
                    return;
                }
            }
        });
        receiver.start();
    }

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
        syslog.close();
        receiver.join(1000);
    }

    private StatsFixture start(String defaults) throws Exception {
        fx = new StatsFixture("    log 127.0.0.1:" + syslog.getLocalPort() + " local2\n", "    log global\n" + defaults, "");
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                fx.proxy.backends().get("primary").server("pg-1").orElseThrow().opState() == Server.OpState.UP);
        return fx;
    }

    @Test
    void tcplogHealthStartAndStopLinesArriveWithTheirFacilityAndLevel() throws Exception {
        start("    option tcplog\n");
        proxyOnce("hello");

        awaitLine(NOTICE, "Proxy primary started\\.");
        awaitLine(NOTICE, "Server primary/pg-1 is UP, reason: Layer7 check passed, code: 200, check duration: \\d+ms\\."
                + " 1 active and 0 backup servers online\\.");
        awaitLine(INFO, "127\\.0\\.0\\.1:\\d+ \\[[^]]+\\] primary primary/pg-1 \\d+/\\d+/\\d+ 5 -- \\d+/\\d+/\\d+/\\d+/0 0/0");

        fx.pg1.answer(503, "{\"state\":\"running\",\"role\":\"replica\"}");
        awaitLine(ALERT, "Server primary/pg-1 is DOWN, reason: Layer7 wrong status, code: 503");
        awaitLine(EMERG, "proxy primary has no server available!");

        fx.proxy.stop(Optional.of(Duration.ZERO));
        awaitLine(WARNING, "Stopping proxy primary in 0 ms\\.");
        awaitLine(WARNING, "Proxy primary stopped \\(cumul\\. conns: FE: 1, BE: 1\\)\\.");
    }

    @Test
    void withoutTcplogTheAcceptIsLoggedAsConnectFrom() throws Exception {
        start("");
        proxyOnce("hello");

        awaitLine(INFO, "Connect from 127\\.0\\.0\\.1:\\d+ to 127\\.0\\.0\\.1:" + fx.primaryPort + " \\(primary/TCP\\)");
        assertThat(lines).noneMatch(l -> l.contains(" primary primary/pg-1 "));
    }

    @Test
    void dontlognullSkipsSessionsThatSentNothing() throws Exception {
        start("    option tcplog\n    option dontlognull\n");
        try (Socket empty = new Socket(InetAddress.getLoopbackAddress(), fx.primaryPort)) {
            empty.getOutputStream().flush();
        }
        proxyOnce("data");

        awaitLine(INFO, "primary primary/pg-1 \\d+/\\d+/\\d+ 4 --");
        assertThat(lines.stream().filter(l -> l.contains(" primary primary/"))).hasSize(1);
    }

    private void proxyOnce(String text) throws Exception {
        try (Socket c = new Socket(InetAddress.getLoopbackAddress(), fx.primaryPort)) {
            c.setSoTimeout(2000);
            byte[] msg = text.getBytes(StandardCharsets.US_ASCII);
            c.getOutputStream().write(msg);
            assertThat(c.getInputStream().readNBytes(msg.length)).isEqualTo(msg);
        }
    }

    /** An RFC 3164 line: {@code <PRI>Mmm dd hh:mm:ss host pointsman[pid]: message}. */
    private void awaitLine(int pri, String message) {
        Pattern p = Pattern.compile("^<" + pri + ">[A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} \\S+ pointsman\\[\\d+\\]: .*"
                + message + ".*", Pattern.DOTALL);
        Awaitility.await("a syslog line <" + pri + "> ... " + message).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> lines.stream().anyMatch(l -> p.matcher(l).matches()));
    }
}
