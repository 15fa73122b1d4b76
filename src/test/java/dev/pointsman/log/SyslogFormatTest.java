package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Config;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.LogTarget.Facility;
import dev.pointsman.config.LogTarget.Format;
import dev.pointsman.config.LogTarget.Kind;
import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.Source;
import dev.pointsman.config.parse.ConfigParser;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.util.List;
import org.junit.jupiter.api.Test;

class SyslogFormatTest {
    static final long WHEN = ZonedDateTime.of(2026, 1, 5, 9, 4, 2, 117_000_000, ZoneId.systemDefault()).toInstant().toEpochMilli();

    @Test
    void rfc3164CarriesPriDatePaddedDayHostTagAndPid() {
        assertThat(SyslogFormat.format(Format.RFC3164, Facility.LOCAL2, Level.INFO, WHEN, "db1", "pg-east", 42, "hello"))
                .isEqualTo("<150>Jan  5 09:04:02 db1 pg-east[42]: hello");
    }

    @Test
    void localIsRfc3164WithoutTheHostName() {
        assertThat(SyslogFormat.format(Format.LOCAL, Facility.LOCAL0, Level.NOTICE, WHEN, "db1", "pg-east", 42, "m"))
                .isEqualTo("<133>Jan  5 09:04:02 pg-east[42]: m");
    }

    @Test
    void rfc5424HasVersionIsoTimestampAppNameAndProcId() {
        assertThat(SyslogFormat.format(Format.RFC5424, Facility.DAEMON, Level.ALERT, WHEN, "db1", "pg-east", 42, "m"))
                .matches("<25>1 2026-01-05T09:04:02\\.117000(Z|[+-]\\d{2}:\\d{2}) db1 pg-east 42 - - m");
    }

    @Test
    void shortCarriesOnlyTheLevelAndRawOnlyTheMessage() {
        assertThat(SyslogFormat.format(Format.SHORT, Facility.LOCAL7, Level.WARNING, WHEN, "h", "t", 1, "m"))
                .isEqualTo("<4>m");
        assertThat(SyslogFormat.format(Format.RAW, Facility.LOCAL7, Level.WARNING, WHEN, "h", "t", 1, "m")).isEqualTo("m");
    }

    @Test
    void aProxyLogTagsItsLinesWithItsOwnLogTagElseTheGlobalOneElsePointsman() throws Exception {
        // Given a proxy with log-tag (set in defaults) and one that overrides nothing
        Config config = ConfigParser.system().parse("t.cfg", """
                defaults
                    log stdout format raw local0
                    log-tag pg-east
                backend tagged
                defaults
                    log stdout format raw local0
                backend plain
                """);
        Proxy tagged = config.proxy("tagged").orElseThrow();
        Proxy plain = config.proxy("plain").orElseThrow();
        LogService withGlobalTag = new LogService(16, "db1", "pg-cluster");
        LogService withoutGlobalTag = new LogService(16);

        // When each logs a line
        withGlobalTag.of(tagged).log(Level.INFO, "tagged");
        withGlobalTag.of(plain).log(Level.INFO, "plain");
        withoutGlobalTag.of(plain).log(Level.INFO, "default");

        // Then the proxy's tag wins, then the global one, then the program name
        assertThat(withGlobalTag.drainForTest()).extracting(LogService.Event::tag).containsExactly("pg-east", "pg-cluster");
        assertThat(withoutGlobalTag.drainForTest()).extracting(LogService.Event::tag).containsExactly("pointsman");
        withGlobalTag.close();
        withoutGlobalTag.close();
    }

    @Test
    void levelFilterDropsLessSevereLinesAndMinlevelCapsMoreSevereOnes() {
        LogService service = new LogService(16);
        LogTarget t = new LogTarget(Kind.STDOUT, "", 0, Facility.LOCAL0, Level.NOTICE, Level.ERR, Format.RAW,
                LogTarget.DEFAULT_MAX_LENGTH, new Source("t.cfg", 1));
        List<String> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
        ProxyLog log = new ProxyLog(service, SyslogFormat.TAG, List.of(new ProxyLog.Sink(t, new Recording(sent))));

        log.log(Level.INFO, "too verbose");
        log.log(Level.NOTICE, "kept");
        log.log(Level.EMERG, "capped");

        assertThat(log.enabled(Level.INFO)).isFalse();
        List<LogService.Event> queued = service.drainForTest();
        assertThat(queued).extracting(LogService.Event::message).containsExactly("kept", "capped");
        assertThat(queued).extracting(LogService.Event::level).containsExactly(Level.NOTICE, Level.ERR);
    }

    @Test
    void aFullQueueDropsAndCountsInsteadOfWaiting() {
        LogService service = new LogService(2);
        LogTarget t = new LogTarget(Kind.STDOUT, "", 0, Facility.LOCAL0, Level.DEBUG, Level.EMERG, Format.RAW,
                LogTarget.DEFAULT_MAX_LENGTH, new Source("t.cfg", 1));
        ProxyLog log = new ProxyLog(service, SyslogFormat.TAG, List.of(new ProxyLog.Sink(t, new Recording(List.of()))));

        for (int i = 0; i < 5; i++) {
            log.log(Level.INFO, "line " + i);
        }

        assertThat(service.dropped()).isEqualTo(3);
    }

    @Test
    void aDirectSenderGetsTheFormattedLineFromTheCallerAndARefusedLineIsCountedAsDropped() {
        LogService service = new LogService(16);
        LogTarget t = new LogTarget(Kind.UDP, "127.0.0.1", 514, Facility.LOCAL2, Level.DEBUG, Level.EMERG,
                Format.LOCAL, LogTarget.DEFAULT_MAX_LENGTH, new Source("t.cfg", 1));
        List<String> sent = new java.util.ArrayList<>();
        List<Thread> threads = new java.util.ArrayList<>();
        LogSender direct = new LogSender() {
            @Override
            public boolean send(String line, int maxLength) {
                threads.add(Thread.currentThread());
                sent.add(line);
                return sent.size() < 2;
            }

            @Override
            public boolean direct() {
                return true;
            }

            @Override
            public void close() {
            }
        };
        ProxyLog log = new ProxyLog(service, SyslogFormat.TAG, List.of(new ProxyLog.Sink(t, direct)));

        log.log(Level.INFO, "first");
        log.log(Level.INFO, "second");

        assertThat(service.drainForTest()).isEmpty();
        assertThat(threads).containsOnly(Thread.currentThread());
        assertThat(sent).hasSize(2);
        assertThat(sent.get(0)).startsWith("<150>").endsWith(" pointsman[" + ProcessHandle.current().pid() + "]: first");
        assertThat(service.dropped()).isEqualTo(1);
    }

    private record Recording(List<String> lines) implements LogSender {
        @Override
        public boolean send(String line, int maxLength) {
            lines.add(line);
            return true;
        }

        @Override
        public void close() {
        }
    }
}
