package dev.pointsman.config.parse;

import dev.pointsman.config.Balance;
import dev.pointsman.config.Bind;
import dev.pointsman.config.Config;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.Proxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ProxyKeywordsTest {
    private static Arguments row(String line, Function<Proxy, Object> field, Object expected) {
        return arguments(line, field, expected);
    }

    static Stream<Arguments> keywords() {
        return Stream.of(
                row("maxconn 500", Proxy::maxconn, 500),
                row("backlog 64", Proxy::backlog, 64),
                row("retries 0", Proxy::retries, 0),
                row("retries 5", Proxy::retries, 5),
                row("balance roundrobin", Proxy::balance, new Balance(Balance.Algorithm.ROUNDROBIN, 2)),
                row("balance static-rr", Proxy::balance, new Balance(Balance.Algorithm.STATIC_RR, 2)),
                row("balance leastconn", Proxy::balance, new Balance(Balance.Algorithm.LEASTCONN, 2)),
                row("balance first", Proxy::balance, new Balance(Balance.Algorithm.FIRST, 2)),
                row("balance source", Proxy::balance, new Balance(Balance.Algorithm.SOURCE, 2)),
                row("balance random", Proxy::balance, new Balance(Balance.Algorithm.RANDOM, 2)),
                row("balance random(3)", Proxy::balance, new Balance(Balance.Algorithm.RANDOM, 3)),
                row("mode tcp", Proxy::mode, Proxy.Mode.TCP),
                row("option redispatch", Proxy::redispatch, -1),
                row("option redispatch 2", Proxy::redispatch, 2),
                row("option redispatch -2", Proxy::redispatch, -2),
                row("option redispatch 0", Proxy::redispatch, 0),
                row("option tcplog", Proxy::tcplog, true),
                row("option dontlognull", Proxy::dontlognull, true),
                row("option tcpka", p -> p.clientKeepalive() && p.serverKeepalive(), true),
                row("option clitcpka", p -> p.clientKeepalive() + "/" + p.serverKeepalive(), "true/false"),
                row("option srvtcpka", p -> p.clientKeepalive() + "/" + p.serverKeepalive(), "false/true"),
                row("timeout client 10s", p -> p.timeouts().client(), Optional.of(Duration.ofSeconds(10))),
                row("timeout server 10m", p -> p.timeouts().server(), Optional.of(Duration.ofMinutes(10))),
                row("timeout connect 500", p -> p.timeouts().connect(), Optional.of(Duration.ofMillis(500))),
                row("timeout queue 1m", p -> p.timeouts().queue(), Optional.of(Duration.ofMinutes(1))),
                row("timeout check 5s", p -> p.timeouts().check(), Optional.of(Duration.ofSeconds(5))),
                row("timeout client-fin 1s", p -> p.timeouts().clientFin(), Optional.of(Duration.ofSeconds(1))),
                row("timeout server-fin 2s", p -> p.timeouts().serverFin(), Optional.of(Duration.ofSeconds(2))),
                row("timeout tunnel 1h", p -> p.timeouts().tunnel(), Optional.of(Duration.ofHours(1))),
                row("timeout http-request 5s", p -> p.timeouts().httpRequest(), Optional.of(Duration.ofSeconds(5))),
                row("timeout client 0", p -> p.timeouts().client(), Optional.empty()),
                row("log 127.0.0.1 local0", p -> p.logs().get(0).facility(), LogTarget.Facility.LOCAL0),
                row("log 127.0.0.1 len 2048 local0", p -> p.logs().get(0).maxLength(), 2048),
                row("log-tag pg-east", Proxy::logTag, Optional.of("pg-east")),
                row("bind :5001", p -> p.binds().stream().map(Bind::toString).toList(),
                        java.util.List.of("*:5000", "*:5001")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("keywords")
    void proxyKeywordSetsItsField(String line, Function<Proxy, Object> field, Object expected) throws ConfigException {
        // Given a listen with the keyword, When parsed, Then the record carries it
        assertThat(field.apply(Configs.listen(line))).isEqualTo(expected);
    }

    @Test
    void unsetProxyGetsHaproxyDefaults() throws ConfigException {
        Proxy p = Configs.listen("# nothing");
        assertThat(p.retries()).isEqualTo(3);
        assertThat(p.balance()).isEqualTo(Balance.DEFAULT);
        assertThat(p.mode()).isEqualTo(Proxy.Mode.TCP);
        assertThat(p.redispatch()).isZero();
        assertThat(p.maxconn()).isZero();
        assertThat(p.tcplog()).isFalse();
        assertThat(p.logs()).isEmpty();
        assertThat(p.logTag()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "no option redispatch | option redispatch | 0",
            "no option tcplog | option tcplog | false",
            "no option dontlognull | option dontlognull | false",
            "no option tcpka | option tcpka | false/false",
            "no option clitcpka | option tcpka | false/true",
            "no option srvtcpka | option tcpka | true/false"})
    void noOptionTurnsAnInheritedOptionOff(String line, String inDefaults, String expected) throws ConfigException {
        Proxy p = Configs.parse(Configs.DEFAULTS + "    " + inDefaults + "\nlisten pg\n    bind :5000\n    " + line
                + "\n    server pg-1 pg-1:5432\n").proxy("pg").orElseThrow();
        String actual = switch (inDefaults) {
            case "option redispatch" -> Integer.toString(p.redispatch());
            case "option tcplog" -> Boolean.toString(p.tcplog());
            case "option dontlognull" -> Boolean.toString(p.dontlognull());
            default -> p.clientKeepalive() + "/" + p.serverKeepalive();
        };
        assertThat(actual).isEqualTo(expected);
    }

    static Stream<Arguments> binds() {
        return Stream.of(
                arguments("*:5000", "*:5000", Optional.empty(), 5000, 5000),
                arguments(":5000", "*:5000", Optional.empty(), 5000, 5000),
                arguments("127.0.0.1:5000", "127.0.0.1:5000", Optional.of("127.0.0.1"), 5000, 5000),
                arguments("ipv4@10.0.0.1:5000", "10.0.0.1:5000", Optional.of("10.0.0.1"), 5000, 5000),
                arguments("[::1]:5000", "::1:5000", Optional.of("::1"), 5000, 5000),
                arguments("pg-vip:5000", "pg-vip:5000", Optional.of("pg-vip"), 5000, 5000),
                arguments("*:6000-6010", "*:6000-6010", Optional.empty(), 6000, 6010));
    }

    @ParameterizedTest(name = "bind {0}")
    @MethodSource("binds")
    void bindAddressForms(String address, String printed, Optional<String> host, int first, int last)
            throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "listen pg\n    bind " + address + "\n    server pg-1 pg-1:5432\n");
        Bind b = c.proxy("pg").orElseThrow().binds().get(0);
        assertThat(b.host()).isEqualTo(host);
        assertThat(b.firstPort()).isEqualTo(first);
        assertThat(b.lastPort()).isEqualTo(last);
        assertThat(b).hasToString(printed);
        assertThat(b.source().line()).isEqualTo(6);
    }

    @Test
    void commaSeparatedBindGivesOneBindPerAddress() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "listen pg\n    bind 127.0.0.1:5000,127.0.0.2:5000\n"
                + "    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("pg").orElseThrow().binds()).extracting(Bind::toString)
                .containsExactly("127.0.0.1:5000", "127.0.0.2:5000");
    }

    @Test
    void logGlobalCopiesGlobalTargetsAndLocalLinesAppend() throws ConfigException {
        Config c = Configs.parse("global\n    log 127.0.0.1 local2\n" + Configs.DEFAULTS + "    log global\n"
                + "listen pg\n    bind :5000\n    log stdout format raw local0\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("pg").orElseThrow().logs()).extracting(LogTarget::facility)
                .containsExactly(LogTarget.Facility.LOCAL2, LogTarget.Facility.LOCAL0);
    }

    @Test
    void noLogClearsInheritedTargets() throws ConfigException {
        Config c = Configs.parse("global\n    log 127.0.0.1 local2\n" + Configs.DEFAULTS + "    log global\n"
                + "listen pg\n    bind :5000\n    no log\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("pg").orElseThrow().logs()).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "maxconn -1 | 'maxconn' expects an integer >= 0, got '-1'",
            "backlog many | 'backlog' expects an integer >= 0, got 'many'",
            "retries many | 'retries' expects an integer >= 0, got 'many'",
            "balance roundrobbin | unknown algorithm 'roundrobbin'; did you mean 'roundrobin'?",
            "balance uri | 'balance uri' is an HAProxy keyword that Pointsman does not implement",
            "balance random(0) | draws: 0 (expected: 1-100)",
            "balance leastconn(2) | only random takes an argument",
            "mode health | unknown mode 'health'",
            "mode tcp http | 'mode': unexpected argument 'http'",
            "bind | 'bind' expects <address>:<port>",
            "bind 127.0.0.1 | 'bind': missing port in '127.0.0.1'",
            "bind *:70000 | port: 70000 (expected: 1-65535)",
            "bind *:0 | port: 0 (expected: 1-65535)",
            "bind *:6010-6000 | ends before it starts",
            "bind *:5001 ssl crt /etc/ssl/pg.pem | 'bind ... ssl' is an HAProxy keyword that Pointsman does not implement",
            "bind *:5001 frob | 'bind': unknown option 'frob'",
            "bind unix@/run/pg.sock | 'unix@' addresses are an HAProxy feature that Pointsman does not implement",
            "option redispatch x | 'option redispatch' expects an optional integer",
            "option redispach | unknown option 'redispach' in 'listen' section; did you mean 'redispatch'?",
            "option splice-auto | 'option splice-auto' is an HAProxy keyword that Pointsman does not implement",
            "option allbackups | 'option allbackups' is an HAProxy keyword that Pointsman does not implement",
            "option tcplog now | 'option tcplog': unexpected argument 'now'",
            "no option httpchk | 'no option httpchk' is not supported",
            "no balance | 'no' applies only to 'option <name>', 'log' and 'patroni-dcs'",
            "timeout conect 4s | unknown timeout 'conect' in 'listen' section; did you mean 'connect'?",
            "timeout connect 4x | 'timeout connect': unknown time unit 'x' in '4x'",
            "timeout connect | 'timeout connect' expects <time>",
            "timeout tarpit 10s | 'timeout tarpit' is an HAProxy keyword that Pointsman does not implement",
            "contimeout 4000 | 'contimeout' is an HAProxy keyword that Pointsman does not implement (use 'timeout connect')",
            "clitimeout 4000 | (use 'timeout client')",
            "srvtimeout 4000 | (use 'timeout server')",
            "use_backend other if is_write | conditions are not implemented",
            "acl is_write always_true | 'acl' is an HAProxy keyword that Pointsman does not implement",
            "tcp-request content accept | 'tcp-request' is an HAProxy keyword that Pointsman does not implement",
            "stick-table type ip size 1m | 'stick-table' is an HAProxy keyword that Pointsman does not implement",
            "hash-type consistent | 'hash-type' is an HAProxy keyword that Pointsman does not implement",
            "source 10.0.0.1 | 'source' is an HAProxy keyword that Pointsman does not implement",
            "fullconn 100 | 'fullconn' is an HAProxy keyword that Pointsman does not implement",
            "cookie SRV insert | 'cookie' is an HAProxy keyword that Pointsman does not implement",
            "balanse roundrobin | unknown keyword 'balanse' in 'listen' section; did you mean 'balance'?",
            "nbthread 4 | 'nbthread' is not allowed in a 'listen' section (it belongs in the 'global' section)",
            "log 127.0.0.1 | 'log' expects <address> and <facility>",
            "log 127.0.0.1 len 79 local0 | 'log ... len': 79 (expected: 80-65535)",
            "log-tag | 'log-tag' expects <tag> as argument",
            "log-send-hostname db-vip | 'log-send-hostname' is not allowed in a 'listen' section (it belongs in the 'global' section)",
            "default_backend | 'default_backend' expects <backend>",
            "no | 'no' expects 'option <name>', 'log' or 'patroni-dcs'",
            "ulimit-n 4096 | 'ulimit-n' is not allowed in a 'listen' section (it belongs in the 'global' section)"})
    void badProxyLineIsAnErrorAtItsLine(String line, String message) {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen pg\n    bind :5000\n    " + line
                + "\n    server pg-1 pg-1:5432\n");
        assertThat(e.getMessage()).startsWith("parsing [t.cfg:7] : ").contains(message);
        assertThat(e.problems()).hasSize(1);
    }

    @ParameterizedTest(name = "{1} in {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "backend | bind :5001 | 'bind' is not allowed in a 'backend' section (allowed in: frontend, listen)",
            "defaults | bind :5001 | 'bind' is not allowed in a 'defaults' section",
            "defaults | server pg-2 pg-2:5432 | 'server' is not allowed in a 'defaults' section (allowed in: listen, backend)",
            "frontend | server pg-2 pg-2:5432 | 'server' is not allowed in a 'frontend' section",
            "frontend | balance leastconn | 'balance' is not allowed in a 'frontend' section",
            "backend | timeout client 1s | 'timeout client' is not allowed in a 'backend' section",
            "frontend | timeout connect 1s | 'timeout connect' is not allowed in a 'frontend' section",
            "frontend | option httpchk | 'option httpchk' is not allowed in a 'frontend' section",
            "defaults | use_backend x | 'use_backend' is not allowed in a 'defaults' section",
            "backend | maxconn 10 | 'maxconn' is not allowed in a 'backend' section"})
    void keywordOutOfPlaceSaysWhereItBelongs(String section, String line, String message) {
        String header = section.equals("defaults") ? "defaults" : section + " x";
        ConfigException e = Configs.failure(header + "\n    " + line + "\n");
        assertThat(e.getMessage()).contains("[t.cfg:2]").contains(message);
    }
}
