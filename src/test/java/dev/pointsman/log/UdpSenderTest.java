package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Config;
import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.testing.SyslogReceiver;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code log host:port}: the datagrams of a started log service, received by a UDP syslog server in the test. */
class UdpSenderTest {
    /** PRI of info lines: local2 = 18, local3 = 19; PRI = facility * 8 + 6. */
    static final String LOCAL2_INFO = "<150>";
    static final String LOCAL3_INFO = "<158>1 ";
    static final String RFC3164_DATE = "[A-Z][a-z]{2} [ \\d]\\d \\d{2}:\\d{2}:\\d{2}";
    static final String RFC5424_DATE = "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}\\.\\d{6}(Z|[+-]\\d{2}:\\d{2})";

    SyslogReceiver syslog;

    @BeforeEach
    void listen() throws Exception {
        syslog = new SyslogReceiver();
    }

    @AfterEach
    void stop() throws Exception {
        syslog.close();
    }

    @Test
    void logTagLogSendHostnameAndLenShapeEachDatagram() throws Exception {
        // Given a global log-tag and log-send-hostname, a proxy with a log-tag of its own, and two
        // targets on one syslog server: rfc3164 cut at 100 bytes, rfc5424 at the default 1024
        int port = syslog.port();
        Config config = ConfigParser.system().parse("t.cfg", """
                global
                    log-tag pg-cluster
                    log-send-hostname db-vip
                    log 127.0.0.1:%d len 100 local2
                    log 127.0.0.1:%d format rfc5424 local3
                defaults
                    log global
                backend tagged
                    log-tag pg-east
                backend plain
                """.formatted(port, port));
        String pid = Long.toString(ProcessHandle.current().pid());

        // When the tagged proxy logs a 2000-byte message and the other a short one
        try (LogService service = LogService.start(config)) {
            service.of(config.proxy("tagged").orElseThrow()).log(Level.INFO, "x".repeat(2000));
            service.of(config.proxy("plain").orElseThrow()).log(Level.INFO, "short");
            Awaitility.await("4 datagrams").atMost(Duration.ofSeconds(5)).until(() -> syslog.lines.size() == 4);
        }

        // Then each datagram carries the host name and its proxy's tag, and is cut to its target's len
        assertThat(syslog.lines).filteredOn(l -> l.startsWith(LOCAL2_INFO)).satisfiesExactlyInAnyOrder(
                l -> assertThat(l).hasSize(100)
                        .matches(LOCAL2_INFO + RFC3164_DATE + " db-vip pg-east\\[" + pid + "\\]: x+"),
                l -> assertThat(l).matches(LOCAL2_INFO + RFC3164_DATE + " db-vip pg-cluster\\[" + pid + "\\]: short"));
        assertThat(syslog.lines).filteredOn(l -> l.startsWith(LOCAL3_INFO)).satisfiesExactlyInAnyOrder(
                l -> assertThat(l).hasSize(1024)
                        .matches(LOCAL3_INFO + RFC5424_DATE + " db-vip pg-east " + pid + " - - x+"),
                l -> assertThat(l).matches(LOCAL3_INFO + RFC5424_DATE + " db-vip pg-cluster " + pid + " - - short"));
    }
}
