package dev.pointsman.config.parse;

import dev.pointsman.config.Config;
import dev.pointsman.config.Global;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.LogTarget.Facility;
import dev.pointsman.config.LogTarget.Format;
import dev.pointsman.config.LogTarget.Kind;
import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.config.StatsSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class GlobalKeywordsTest {
    private static Config global(String... lines) throws ConfigException {
        return Configs.parse("global\n    " + String.join("\n    ", lines) + "\n");
    }

    static Stream<Arguments> keywords() {
        return Stream.of(
                arguments("maxconn 100", (Function<Global, Object>) Global::maxconn, 100),
                arguments("maxconn 100", (Function<Global, Object>) Global::maxconnSet, true),
                arguments("strict-limits", (Function<Global, Object>) Global::strictLimits, true),
                arguments("no strict-limits", (Function<Global, Object>) Global::strictLimits, false),
                arguments("nbthread 4", (Function<Global, Object>) Global::nbthread, 4),
                arguments("noreuseport", (Function<Global, Object>) Global::reusePort, false),
                arguments("pidfile /run/pointsman.pid", (Function<Global, Object>) Global::pidfile,
                        Optional.of("/run/pointsman.pid")),
                arguments("hard-stop-after 30s", (Function<Global, Object>) Global::hardStopAfter,
                        Optional.of(Duration.ofSeconds(30))),
                arguments("hard-stop-after 1500", (Function<Global, Object>) Global::hardStopAfter,
                        Optional.of(Duration.ofMillis(1500))),
                arguments("log-tag pg-cluster", (Function<Global, Object>) Global::logTag, Optional.of("pg-cluster")),
                arguments("log-send-hostname db-vip", (Function<Global, Object>) Global::logSendHostname,
                        Optional.of("db-vip")),
                arguments("log-send-hostname", (Function<Global, Object>) Global::logSendHostname, Optional.empty()),
                arguments("log-send-hostname \"\"", (Function<Global, Object>) Global::logSendHostname,
                        Optional.empty()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keywords")
    void globalKeywordSetsItsField(String line, Function<Global, Object> field, Object expected) throws ConfigException {
        assertThat(field.apply(global(line).global())).isEqualTo(expected);
    }

    @Test
    void unsetGlobalUsesDefaults() throws ConfigException {
        assertThat(global("daemon").global().maxconn()).isEqualTo(Global.DEFAULT_MAXCONN);
        assertThat(global("daemon").global().nbthread()).isZero();
        assertThat(global("daemon").global().logTag()).isEmpty();
        assertThat(global("daemon").global().logSendHostname()).isEmpty();
        assertThat(global("daemon").global().maxconnSet()).isFalse();
        assertThat(global("daemon").global().strictLimits()).as("HAProxy's default since 2.3").isTrue();
        assertThat(global("daemon").global().reusePort()).as("HAProxy sets SO_REUSEPORT unless noreuseport").isTrue();
    }

    @Test
    void noreuseportTakesNoArgument() {
        assertThat(Configs.failure("global\n    noreuseport yes\n").getMessage()).contains("t.cfg:2", "yes");
    }

    @Test
    void onlyStrictLimitsCanBeNegatedInTheGlobalSection() {
        assertThat(Configs.failure("global\n    no maxconn\n").getMessage())
                .contains("t.cfg:2", "'no maxconn' is not supported");
        assertThat(Configs.failure("global\n    no strict-limits now\n").getMessage()).contains("t.cfg:2");
        assertThat(Configs.failure("global\n    no\n").getMessage()).contains("t.cfg:2", "expects a keyword");
    }

    @Test
    void aRepeatedLogSendHostnameIsIgnoredWithANoticeAsInHaproxy() throws ConfigException {
        // Given log-send-hostname twice
        Config config = global("log-send-hostname db-vip", "log-send-hostname other");
        // Then the first counts and the second is reported at its line
        assertThat(config.global().logSendHostname()).contains("db-vip");
        assertThat(config.notices()).singleElement().satisfies(n -> {
            assertThat(n.source().toString()).isEqualTo("t.cfg:3");
            assertThat(n.message()).contains("'log-send-hostname' is already set at t.cfg:2");
        });
    }

    @Test
    void aLaterLogTagReplacesAnEarlierOne() throws ConfigException {
        assertThat(global("log-tag first", "log-tag second").global().logTag()).contains("second");
    }

    static Stream<Arguments> logs() {
        return Stream.of(
                arguments("log 127.0.0.1 local2", new LogTarget(Kind.UDP, "127.0.0.1", 514, Facility.LOCAL2, Level.DEBUG,
                        Level.EMERG, Format.RFC3164, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log 10.0.0.5:1514 local0 notice", new LogTarget(Kind.UDP, "10.0.0.5", 1514, Facility.LOCAL0,
                        Level.NOTICE, Level.EMERG, Format.RFC3164, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log udp@logs.example:514 daemon info err", new LogTarget(Kind.UDP, "logs.example", 514,
                        Facility.DAEMON, Level.INFO, Level.ERR, Format.RFC3164, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log [::1]:515 user", new LogTarget(Kind.UDP, "::1", 515, Facility.USER, Level.DEBUG,
                        Level.EMERG, Format.RFC3164, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log /dev/log local0", new LogTarget(Kind.UNIX, "/dev/log", 0, Facility.LOCAL0, Level.DEBUG,
                        Level.EMERG, Format.RFC3164, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log unix@/var/run/log local1 notice", new LogTarget(Kind.UNIX, "/var/run/log", 0,
                        Facility.LOCAL1, Level.NOTICE, Level.EMERG, Format.RFC3164, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log stdout format raw daemon", new LogTarget(Kind.STDOUT, "", 0, Facility.DAEMON, Level.DEBUG,
                        Level.EMERG, Format.RAW, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log stdout format raw local0", new LogTarget(Kind.STDOUT, "", 0, Facility.LOCAL0, Level.DEBUG,
                        Level.EMERG, Format.RAW, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log stderr format rfc5424 local7 warning", new LogTarget(Kind.STDERR, "", 0, Facility.LOCAL7,
                        Level.WARNING, Level.EMERG, Format.RFC5424, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log fd@2 format short local0", new LogTarget(Kind.STDERR, "", 0, Facility.LOCAL0, Level.DEBUG,
                        Level.EMERG, Format.SHORT, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log 127.0.0.1 format local local3", new LogTarget(Kind.UDP, "127.0.0.1", 514, Facility.LOCAL3,
                        Level.DEBUG, Level.EMERG, Format.LOCAL, LogTarget.DEFAULT_MAX_LENGTH, null)),
                arguments("log 127.0.0.1 len 4096 local0", new LogTarget(Kind.UDP, "127.0.0.1", 514, Facility.LOCAL0,
                        Level.DEBUG, Level.EMERG, Format.RFC3164, 4096, null)),
                arguments("log /dev/log len 80 format rfc5424 local1 notice", new LogTarget(Kind.UNIX, "/dev/log", 0,
                        Facility.LOCAL1, Level.NOTICE, Level.EMERG, Format.RFC5424, 80, null)),
                arguments("log 10.0.0.5 format raw len 65535 daemon", new LogTarget(Kind.UDP, "10.0.0.5", 514,
                        Facility.DAEMON, Level.DEBUG, Level.EMERG, Format.RAW, 65535, null)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("logs")
    void logLineGivesTarget(String line, LogTarget expected) throws ConfigException {
        LogTarget actual = global(line).global().logs().get(0);
        assertThat(actual).usingRecursiveComparison().ignoringFields("source").isEqualTo(expected);
        assertThat(actual.source().line()).isEqualTo(2);
    }

    @Test
    void severalLogLinesKeepTheirOrder() throws ConfigException {
        assertThat(global("log /dev/log local0", "log /dev/log local1 notice").global().logs())
                .extracting(LogTarget::facility).containsExactly(Facility.LOCAL0, Facility.LOCAL1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "daemon | 'daemon' accepted without effect",
            "chroot /var/lib/haproxy | 'chroot' accepted without effect",
            "user haproxy | 'user' accepted without effect",
            "group haproxy | 'group' accepted without effect",
            "uid 99 | 'uid' accepted without effect",
            "gid 99 | 'gid' accepted without effect",
            "stats socket /var/run/haproxy/admin.sock mode 660 level admin expose-fd listeners | 'stats socket' options accepted without effect: expose-fd listeners",
            "stats socket /run/a.sock user haproxy group haproxy process 1 | options accepted without effect: user haproxy, group haproxy, process 1",
            "stats socket ipv4@127.0.0.1:9999 mode 600 | 'mode' applies to unix sockets only"})
    void keywordWithoutEffectAddsANoticeWithFileAndLine(String line, String notice) throws ConfigException {
        Config config = global(line);
        assertThat(config.notices()).singleElement().satisfies(n -> {
            assertThat(n.source().toString()).isEqualTo("t.cfg:2");
            assertThat(n.message()).contains(notice);
        });
    }

    static Stream<Arguments> statsSockets() {
        return Stream.of(
                arguments("stats socket /run/haproxy/admin.sock mode 660 level admin",
                        new StatsSocket.Unix("/run/haproxy/admin.sock"), OptionalInt.of(0660), StatsSocket.Level.ADMIN),
                arguments("stats socket unix@/tmp/p.sock", new StatsSocket.Unix("/tmp/p.sock"), OptionalInt.empty(),
                        StatsSocket.Level.OPERATOR),
                arguments("stats socket ipv4@127.0.0.1:9999 level user", new StatsSocket.Tcp("127.0.0.1", 9999, false),
                        OptionalInt.empty(), StatsSocket.Level.USER),
                arguments("stats socket 127.0.0.1:9999", new StatsSocket.Tcp("127.0.0.1", 9999, false),
                        OptionalInt.empty(), StatsSocket.Level.OPERATOR),
                arguments("stats socket ipv4@:9999 level operator", new StatsSocket.Tcp("0.0.0.0", 9999, false),
                        OptionalInt.empty(), StatsSocket.Level.OPERATOR),
                arguments("stats socket ipv6@[::1]:9999", new StatsSocket.Tcp("::1", 9999, true),
                        OptionalInt.empty(), StatsSocket.Level.OPERATOR),
                arguments("stats socket /run/a.sock mode 0600", new StatsSocket.Unix("/run/a.sock"), OptionalInt.of(0600),
                        StatsSocket.Level.OPERATOR));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("statsSockets")
    void statsSocketGivesItsAddressModeAndLevelOperatorByDefault(String line, StatsSocket.Address address,
                                                                 OptionalInt mode, StatsSocket.Level level)
            throws ConfigException {
        StatsSocket s = global(line).global().statsSockets().get(0);
        assertThat(s.address()).isEqualTo(address);
        assertThat(s.mode()).isEqualTo(mode);
        assertThat(s.level()).isEqualTo(level);
        assertThat(s.source().line()).isEqualTo(2);
    }

    @Test
    void statsTimeoutAndMaxconnBoundTheRuntimeApiAndDefaultToHaproxys() throws ConfigException {
        Global set = global("stats socket /run/a.sock", "stats timeout 2m", "stats maxconn 3").global();
        assertThat(set.statsTimeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(set.statsMaxconn()).isEqualTo(3);
        assertThat(global("stats timeout 1500").global().statsTimeout()).isEqualTo(Duration.ofMillis(1500));
        Global unset = global("stats socket /run/a.sock").global();
        assertThat(unset.statsTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(unset.statsMaxconn()).isEqualTo(10);
        assertThat(global("stats socket /run/a.sock", "stats socket /run/b.sock").global().statsSockets())
                .extracting(StatsSocket::address).containsExactly(new StatsSocket.Unix("/run/a.sock"),
                        new StatsSocket.Unix("/run/b.sock"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "maxconn 0 | 'maxconn' expects an integer > 0, got '0'",
            "maxconn lots | 'maxconn' expects an integer > 0, got 'lots'",
            "nbthread 0 | nbthread: 0 (expected: 1-4096)",
            "hard-stop-after 5x | 'hard-stop-after': unknown time unit 'x'",
            "log global | only meaningful in a proxy section",
            "log 127.0.0.1 | 'log' expects <address> and <facility>",
            "log 127.0.0.1 loca0 | unknown facility 'loca0'; did you mean 'local0'?",
            "log 127.0.0.1 local0 noitce | unknown level 'noitce'; did you mean 'notice'?",
            "log 127.0.0.1:70000 local0 | port: 70000 (expected: 1-65535)",
            "log stdout format json local0 | unknown format 'json'",
            "log ring@buf local0 | 'ring@' targets are an HAProxy feature that Pointsman does not implement",
            "log 127.0.0.1 len 10 local0 | 'log ... len': 10 (expected: 80-65535)",
            "log 127.0.0.1 len 65536 local0 | 'log ... len': 65536 (expected: 80-65535)",
            "log 127.0.0.1 len long local0 | 'log ... len': long (expected: 80-65535)",
            "log 127.0.0.1 len | 'log' expects len <length> (80-65535)",
            "log 127.0.0.1 sample 1:2 local0 | 'log ... sample' is an HAProxy keyword that Pointsman does not implement",
            "log 127.0.0.1 profile p local0 | 'log ... profile' is an HAProxy keyword that Pointsman does not implement",
            "log-tag | 'log-tag' expects <tag> as argument",
            "log-tag \"\" | 'log-tag' expects a non-empty <tag>",
            "log-tag pg east | 'log-tag': unexpected argument 'east'",
            "log-send-hostname db vip | 'log-send-hostname': unexpected argument 'vip'",
            "log 127.0.0.1 local0 info err x | unexpected argument 'x'",
            "pidfile | 'pidfile' expects <file>",
            "daemon now | 'daemon': unexpected argument 'now'",
            "stats sokcet /x | unknown stats keyword 'sokcet' in 'global' section; did you mean 'socket'?",
            "stats socket | 'stats socket' expects an address or a path to a UNIX socket",
            "stats socket /run/a.sock level root | 'level' only supports 'user', 'operator', and 'admin' (got 'root')",
            "stats socket /run/a.sock level | 'stats socket ... level' : missing level",
            "stats socket /run/a.sock mode 999 | 'stats socket ... mode': 999 (expected: octal permissions, 0-777)",
            "stats socket /run/a.sock mode | 'stats socket' expects mode <octal permissions>",
            "stats socket admin.sock | missing port in 'admin.sock'",
            "stats socket ipv4@127.0.0.1:70000 | port: 70000 (expected: 1-65535)",
            "stats socket abns@haproxy | 'abns@' addresses are an HAProxy feature that Pointsman does not implement",
            "stats socket unix@ | 'stats socket' expects a path after 'unix@'",
            "stats timeout 0 | expects a time > 0",
            "stats maxconn 0 | expects an integer > 0, got '0'",
            "ulimit-n 1000 | 'ulimit-n' is an HAProxy keyword that Pointsman does not implement",
            "spread-checks 5 | 'spread-checks' is an HAProxy keyword that Pointsman does not implement",
            "maxconnn 10 | unknown keyword 'maxconnn' in 'global' section; did you mean 'maxconn'?",
            "server pg-1 pg-1:5432 | 'server' is not allowed in the 'global' section"})
    void badGlobalLineIsAnErrorAtItsLine(String line, String message) {
        ConfigException e = Configs.failure("global\n    " + line + "\n");
        assertThat(e.getMessage()).startsWith("parsing [t.cfg:2] : ").contains(message);
    }
}
