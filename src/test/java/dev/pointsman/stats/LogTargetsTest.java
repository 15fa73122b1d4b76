package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Server;
import dev.pointsman.testing.SyslogReceiver;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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

    SyslogReceiver syslog;
    List<String> lines;
    StatsFixture fx;

    @BeforeEach
    void listen() throws Exception {
        syslog = new SyslogReceiver();
        lines = syslog.lines;
    }

    @AfterEach
    void stop() throws Exception {
        if (fx != null) {
            fx.close();
        }
        syslog.close();
    }

    private StatsFixture start(String defaults) throws Exception {
        return start("", defaults, "");
    }

    private StatsFixture start(String global, String defaults, String statsExtra) throws Exception {
        fx = new StatsFixture("    log 127.0.0.1:" + syslog.port() + " local2\n" + global,
                "    log global\n" + defaults, statsExtra);
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

        fx.pg1.everyPath(503, "{\"state\":\"running\",\"role\":\"replica\"}");
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

    @Test
    void logTagAndLogSendHostnameShapeTheHeaderOfEveryProxysLines() throws Exception {
        // Given a global log-tag and log-send-hostname, and a log-tag of its own in listen stats
        start("    log-tag pg-cluster\n    log-send-hostname db-vip\n", "    option tcplog\n", "    log-tag pg-stats\n");

        // When primary's server comes up and a session passes
        proxyOnce("hello");

        // Then primary's start, health and tcplog lines carry the global tag, stats' lines its own
        awaitLine(NOTICE, "db-vip", "pg-cluster", "Proxy primary started\\.");
        awaitLine(NOTICE, "db-vip", "pg-cluster", "Server primary/pg-1 is UP");
        awaitLine(INFO, "db-vip", "pg-cluster", "primary primary/pg-1 \\d+/\\d+/\\d+ 5 --");
        awaitLine(NOTICE, "db-vip", "pg-stats", "Proxy stats started\\.");
        assertThat(lines).noneMatch(l -> l.contains(" pointsman["));
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
        awaitLine(pri, "\\S+", "pointsman", message);
    }

    /** The same with the host name and tag given (regular expressions). */
    private void awaitLine(int pri, String host, String tag, String message) {
        Pattern p = Pattern.compile("^<" + pri + ">[A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2} " + host + " " + tag
                + "\\[\\d+\\]: .*" + message + ".*", Pattern.DOTALL);
        Awaitility.await("a syslog line <" + pri + "> ... " + message).atMost(Duration.ofSeconds(5))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> lines.stream().anyMatch(l -> p.matcher(l).matches()));
    }
}
