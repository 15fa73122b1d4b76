package dev.pointsman.config.parse;

import dev.pointsman.config.Config;
import dev.pointsman.config.StatsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class StatsKeywordsTest {
    private static Config stats(String... lines) throws ConfigException {
        return Configs.parse(Configs.DEFAULTS + "listen stats\n    mode http\n    bind *:7000\n    "
                + String.join("\n    ", lines) + "\n");
    }

    private static Arguments row(String line, Function<StatsConfig, Object> field, Object expected) {
        return arguments(line, field, expected);
    }

    static Stream<Arguments> keywords() {
        return Stream.of(
                row("stats enable", StatsConfig::enabled, true),
                row("stats uri /haproxy?stats", StatsConfig::uri, "/haproxy?stats"),
                row("stats refresh 10", StatsConfig::refresh, Optional.of(Duration.ofSeconds(10))),
                row("stats refresh 10s", StatsConfig::refresh, Optional.of(Duration.ofSeconds(10))),
                row("stats refresh 500ms", StatsConfig::refresh, Optional.of(Duration.ofMillis(500))),
                row("stats auth admin:s3cret", StatsConfig::auth, List.of(new StatsConfig.Account("admin", "s3cret"))),
                row("stats auth admin:a:b", StatsConfig::auth, List.of(new StatsConfig.Account("admin", "a:b"))),
                row("stats realm \"Pointsman Statistics\"", StatsConfig::realm, "Pointsman Statistics"),
                row("stats realm Haproxy\\ Statistics", StatsConfig::realm, "Haproxy Statistics"),
                row("stats hide-version", StatsConfig::hideVersion, true),
                row("stats show-node", StatsConfig::showNode, Optional.of("")),
                row("stats show-node pg-lb-1", StatsConfig::showNode, Optional.of("pg-lb-1")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keywords")
    void statsKeywordSetsItsFieldAndEnablesThePage(String line, Function<StatsConfig, Object> field, Object expected)
            throws ConfigException {
        StatsConfig s = stats(line).proxy("stats").orElseThrow().stats();
        assertThat(field.apply(s)).isEqualTo(expected);
        assertThat(s.enabled()).isTrue();
    }

    @Test
    void statsAuthIsRepeatable() throws ConfigException {
        assertThat(stats("stats auth a:1", "stats auth b:2").proxy("stats").orElseThrow().stats().auth())
                .containsExactly(new StatsConfig.Account("a", "1"), new StatsConfig.Account("b", "2"));
    }

    @Test
    void statsAuthPasswordFromTheEnvironment() throws ConfigException {
        assertThat(stats("stats auth \"${STATS_USER}:${NOPE-changeme}\"").proxy("stats").orElseThrow().stats().auth())
                .containsExactly(new StatsConfig.Account("admin", "changeme"));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"stats admin if TRUE | ANYONE", "stats admin if LOCALHOST | LOCALHOST"})
    void statsAdminIfTrueOrLocalhostAllowsThePagesAction(String line, StatsConfig.Admin expected)
            throws ConfigException {
        Config c = stats("stats enable", line);
        assertThat(c.proxy("stats").orElseThrow().stats().admin()).isEqualTo(expected);
        assertThat(c.notices()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {"stats admin if { src 10.0.0.0/8 }", "stats admin unless FALSE",
            "stats admin if LOCALHOST or TRUE", "stats admin if local_net"})
    void otherStatsAdminConditionsAreAcceptedWithANoticeAndAllowNothing(String line) throws ConfigException {
        Config c = stats("stats enable", line);
        assertThat(c.proxy("stats").orElseThrow().stats().admin()).isEqualTo(StatsConfig.Admin.NOBODY);
        assertThat(c.notices()).singleElement().satisfies(n -> {
            assertThat(n.source().line()).isEqualTo(9);
            assertThat(n.message()).startsWith("'" + line + "' accepted without effect").contains("'if LOCALHOST'");
        });
    }

    @Test
    void withoutStatsAdminNobodyMayAct() throws ConfigException {
        assertThat(stats("stats enable").proxy("stats").orElseThrow().stats().admin()).isEqualTo(StatsConfig.Admin.NOBODY);
    }

    @Test
    void proxyWithoutStatsHasThePageDisabled() throws ConfigException {
        assertThat(Configs.listen("# nothing").stats()).isEqualTo(StatsConfig.DISABLED);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "stats auth admin | 'stats auth' expects <user>:<password>, got 'admin'",
            "stats auth :pw | 'stats auth' expects <user>:<password>",
            "stats uri stats | 'stats uri' expects a path starting with '/'",
            "stats refresh soon | 'stats refresh': 'soon' is not a time",
            "stats admin | 'stats admin' expects 'if <condition>' or 'unless <condition>'",
            "stats admin if | a condition after 'if'",
            "stats enabel | unknown stats keyword 'enabel' in 'listen' section; did you mean 'enable'?",
            "stats scope . | 'stats scope' is an HAProxy keyword that Pointsman does not implement",
            "stats socket /run/x.sock | 'stats socket' is not allowed in a 'listen' section (it belongs in the 'global' section)",
            "stats realm a b | 'stats realm': unexpected argument 'b'"})
    void badStatsLineIsAnErrorAtItsLine(String line, String message) {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen stats\n    mode http\n    bind *:7000\n    "
                + line + "\n    stats enable\n");
        assertThat(e.getMessage()).startsWith("parsing [t.cfg:8] : ").contains(message);
    }
}
