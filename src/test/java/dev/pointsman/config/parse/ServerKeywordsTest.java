package dev.pointsman.config.parse;

import dev.pointsman.config.Config;
import dev.pointsman.config.ServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ServerKeywordsTest {
    private static Config withServer(String serverLine) throws ConfigException {
        return Configs.parse(Configs.DEFAULTS + "listen pg\n    bind :5000\n    " + serverLine + "\n");
    }

    private static ServerConfig server(String options) throws ConfigException {
        return withServer("server pg-1 pg-1:5432 " + options).proxy("pg").orElseThrow().servers().get(0);
    }

    private static Arguments row(String options, Function<ServerConfig, Object> field, Object expected) {
        return arguments(options, field, expected);
    }

    static Stream<Arguments> options() {
        return Stream.of(
                row("maxconn 100", ServerConfig::maxconn, 100),
                row("maxqueue 10", ServerConfig::maxqueue, 10),
                row("weight 0", ServerConfig::weight, 0),
                row("weight 256", ServerConfig::weight, 256),
                row("backup", ServerConfig::backup, true),
                row("disabled", ServerConfig::disabled, true),
                row("disabled enabled", ServerConfig::disabled, false),
                row("check", ServerConfig::check, true),
                row("check no-check", ServerConfig::check, false),
                row("check port 8008", ServerConfig::checkPort, OptionalInt.of(8008)),
                row("check addr 10.0.0.9", ServerConfig::checkAddr, Optional.of("10.0.0.9")),
                row("check addr pg-2", ServerConfig::checkAddr, Optional.of("127.0.0.12")),
                row("check inter 3s", ServerConfig::inter, Duration.ofSeconds(3)),
                row("check inter 1500", ServerConfig::inter, Duration.ofMillis(1500)),
                row("check fastinter 1s", ServerConfig::fastinter, Optional.of(Duration.ofSeconds(1))),
                row("check downinter 10s", ServerConfig::downinter, Optional.of(Duration.ofSeconds(10))),
                row("check rise 4", ServerConfig::rise, 4),
                row("check fall 1", ServerConfig::fall, 1),
                row("on-marked-down shutdown-sessions", ServerConfig::shutdownSessionsOnDown, true),
                row("on-marked-up shutdown-backup-sessions", ServerConfig::shutdownBackupSessionsOnUp, true),
                row("slowstart 30s", ServerConfig::slowstart, Optional.of(Duration.ofSeconds(30))),
                row("slowstart 0", ServerConfig::slowstart, Optional.empty()),
                row("init-addr libc", ServerConfig::address, new InetSocketAddress("127.0.0.11", 5432)));
    }

    @ParameterizedTest(name = "server ... {0}")
    @MethodSource("options")
    void serverOptionSetsItsField(String options, Function<ServerConfig, Object> field, Object expected)
            throws ConfigException {
        assertThat(field.apply(server(options))).isEqualTo(expected);
    }

    @Test
    void serverWithoutOptionsGetsHaproxyDefaults() throws ConfigException {
        ServerConfig s = server("");
        assertThat(s.weight()).isEqualTo(1);
        assertThat(s.inter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.rise()).isEqualTo(2);
        assertThat(s.fall()).isEqualTo(3);
        assertThat(s.check()).isFalse();
        assertThat(s.maxconn()).isZero();
        assertThat(s.fastinter()).isEmpty();
        assertThat(s.effectiveFastinter()).isEqualTo(Duration.ofSeconds(2));
        assertThat(s.id()).isEqualTo(1);
        assertThat(s.source().line()).isEqualTo(7);
    }

    static Stream<Arguments> addresses() {
        return Stream.of(
                arguments("pg-1:5432", "pg-1", 5432, new InetSocketAddress("127.0.0.11", 5432)),
                arguments("10.0.0.1:5433", "10.0.0.1", 5433, new InetSocketAddress("10.0.0.1", 5433)),
                arguments("ipv4@10.0.0.1:5432", "10.0.0.1", 5432, new InetSocketAddress("10.0.0.1", 5432)),
                arguments("[::1]:5432", "::1", 5432, new InetSocketAddress("::1", 5432)),
                arguments("[fe80::1]:6432", "fe80::1", 6432, new InetSocketAddress("fe80::1", 6432)));
    }

    @ParameterizedTest(name = "server pg {0}")
    @MethodSource("addresses")
    void serverAddressForms(String address, String host, int port, InetSocketAddress resolved) throws ConfigException {
        ServerConfig s = withServer("server pg " + address).proxy("pg").orElseThrow().servers().get(0);
        assertThat(s.host()).isEqualTo(host);
        assertThat(s.port()).isEqualTo(port);
        assertThat(s.address()).isEqualTo(resolved);
    }

    @Test
    void initAddrNoneKeepsAnUnresolvableHostUnresolved() throws ConfigException {
        ServerConfig s = withServer("server pg-9 pg-9:5432 init-addr none").proxy("pg").orElseThrow().servers().get(0);
        assertThat(s.address().isUnresolved()).isTrue();
        assertThat(s.address().getHostString()).isEqualTo("pg-9");
        assertThat(s.address().getPort()).isEqualTo(5432);
    }

    @Test
    void initAddrLibcNoneResolvesWhenItCan() throws ConfigException {
        assertThat(server("init-addr libc,none").address()).isEqualTo(new InetSocketAddress("127.0.0.11", 5432));
    }

    @Test
    void initAddrWithAnIpUsesItWhenTheNameFails() throws ConfigException {
        ServerConfig s = withServer("server pg-9 pg-9:5432 init-addr libc,10.1.1.1").proxy("pg").orElseThrow().servers().get(0);
        assertThat(s.address()).isEqualTo(new InetSocketAddress("10.1.1.1", 5432));
    }

    @Test
    void initAddrLastAddsANotice() throws ConfigException {
        assertThat(withServer("server pg-1 pg-1:5432 init-addr last,libc").notices())
                .anySatisfy(n -> assertThat(n.message()).contains("'init-addr last' has no effect"));
    }

    @Test
    void checkOnlyOptionsWithoutCheckAddANotice() throws ConfigException {
        Config c = withServer("server pg-1 pg-1:5432 port 8008 inter 3s");
        assertThat(c.notices()).singleElement().satisfies(n -> {
            assertThat(n.source().line()).isEqualTo(7);
            assertThat(n.message()).isEqualTo("server 'pg-1': 'port', 'inter' have no effect without 'check'");
        });
    }

    @Test
    void serverIdsAreOneBasedInOrder() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "backend b\n    server a pg-1:5432\n    server b pg-2:5432\n"
                + "    server c pg-3:5432\n");
        assertThat(c.proxy("b").orElseThrow().servers()).extracting(ServerConfig::id).containsExactly(1, 2, 3);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "server | 'server' expects <name> and <address>:<port>",
            "server pg-1 | 'server' expects <name> and <address>:<port>",
            "server pg-1 pg-1 | server 'pg-1': missing port in 'pg-1'",
            "server pg-1 pg-1:70000 | server 'pg-1': port: 70000 (expected: 1-65535)",
            "server pg-1 pg-1:+1 | port offsets like '+1'",
            "server pg-1 /run/pg.sock | not a TCP address",
            "server pg/1 pg-1:5432 | 'server': invalid name 'pg/1'",
            "server pg-1 pg-1:5432 rise 0 | server 'pg-1': 'rise' expects an integer > 0, got '0'",
            "server pg-1 pg-1:5432 fall x | 'fall' expects an integer > 0, got 'x'",
            "server pg-1 pg-1:5432 weight 300 | weight: 300 (expected: 0-256)",
            "server pg-1 pg-1:5432 maxconn -5 | 'maxconn' expects an integer >= 0, got '-5'",
            "server pg-1 pg-1:5432 check port 0 | port: 0 (expected: 1-65535)",
            "server pg-1 pg-1:5432 check port | 'port' expects <port>",
            "server pg-1 pg-1:5432 inter 0 | 'inter' expects a time > 0, got '0'",
            "server pg-1 pg-1:5432 inter 3x | 'inter': unknown time unit 'x' in '3x'",
            "server pg-1 pg-1:5432 on-marked-down kill | 'on-marked-down': unknown action 'kill' (expected: shutdown-sessions)",
            "server pg-1 pg-1:5432 on-marked-up shutdown-sessions | (expected: shutdown-backup-sessions)",
            "server pg-1 pg-1:5432 init-addr dns | 'init-addr': unknown method 'dns'",
            "server pg-1 pg-1:5432 chek | unknown server keyword 'chek' in 'listen' section; did you mean 'check'?",
            "server pg-1 pg-1:5432 agent-check | 'agent-check' is an HAProxy keyword that Pointsman does not implement",
            "server pg-1 pg-1:5432 check observe layer4 | 'observe' is an HAProxy keyword that Pointsman does not implement",
            "server pg-1 pg-1:5432 ssl verify none | 'ssl' is an HAProxy keyword that Pointsman does not implement",
            "server pg-1 pg-1:5432 resolvers dns | 'resolvers' is an HAProxy keyword that Pointsman does not implement",
            "server pg-1 pg-1:5432 minconn 10 | 'minconn' is an HAProxy keyword that Pointsman does not implement",
            "default-server rise 0 | default-server: 'rise' expects an integer > 0, got '0'",
            "default-server inter | 'inter' expects <time>"})
    void badServerLineIsAnErrorAtItsLine(String line, String message) {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen pg\n    bind :5000\n    " + line + "\n");
        assertThat(e.getMessage()).startsWith("parsing [t.cfg:7] : ").contains(message);
    }

    @Test
    void duplicateServerNameIsAnErrorNamingTheFirst() {
        ConfigException e = Configs.failure(Configs.DEFAULTS
                + "backend b\n    server pg-1 pg-1:5432\n    server pg-1 pg-2:5432\n");
        assertThat(e.getMessage()).isEqualTo("parsing [t.cfg:7] : server 'pg-1' is already declared in backend 'b'"
                + " at t.cfg:6 (server names must be unique within a proxy)");
    }

    @Test
    void unresolvableHostIsAClearErrorAtTheServerLine() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "backend b\n    server pg-1 pg-9:5432 check\n");
        assertThat(e.getMessage()).isEqualTo("parsing [t.cfg:6] : server 'pg-1': cannot resolve host 'pg-9'"
                + " (add it to /etc/hosts or DNS, or use 'init-addr none')");
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.keyword()).isEqualTo("server"));
    }

    @Test
    void unresolvableCheckAddrIsAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "backend b\n    server pg-1 pg-1:5432 check addr pg-9\n");
        assertThat(e.getMessage()).contains("[t.cfg:6]").contains("cannot resolve 'addr' host 'pg-9'");
    }

    @Test
    void everyUnresolvableServerIsReported() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "backend b\n    server a x-1:5432\n    server b x-2:5432\n");
        assertThat(e.problems()).extracting(p -> p.source().line()).containsExactly(6, 7);
    }
}
