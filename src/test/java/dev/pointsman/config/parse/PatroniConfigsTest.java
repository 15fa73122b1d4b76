package dev.pointsman.config.parse;

import dev.pointsman.config.Balance;
import dev.pointsman.config.Config;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.StatsSocket;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.config.StatsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** src/test/resources/patroni-configs: the shapes public Patroni deployments write. */
class PatroniConfigsTest {
    static final Path DIR = Path.of("src/test/resources/patroni-configs");
    private static final Map<String, String> ENV = Map.of("STATS_USER", "ops", "PG_CHECK_PASSWORD", "pw");
    private static final ConfigParser PARSER = new ConfigParser(ENV::get, Configs.HOSTS);

    static Stream<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            return s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList().stream();
        }
    }

    private static Config parse(String name) throws ConfigException {
        return PARSER.parse(List.of(DIR.resolve(name)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void publicDeploymentConfigParses(Path file) throws ConfigException {
        Config c = PARSER.parse(List.of(file));
        assertThat(c.proxies()).isNotEmpty();
        assertThat(c.proxies()).filteredOn(Proxy::isFrontend).allSatisfy(p -> assertThat(p.binds()).isNotEmpty());
    }

    @Test
    void patronisOwnConfigChecksEachMemberOnItsRestPort() throws ConfigException {
        Proxy batman = parse("patroni-batman.cfg").proxy("batman").orElseThrow();
        assertThat(batman.servers()).extracting(ServerConfig::name)
                .containsExactly("postgresql_127.0.0.1_5432", "postgresql_127.0.0.1_5433");
        assertThat(batman.servers()).extracting(s -> s.checkAddress().getPort()).containsExactly(8008, 8009);
        assertThat(batman.check().http().uri()).isEqualTo("/");
        assertThat(batman.retries()).isEqualTo(2);
    }

    @Test
    void confdConfigSeparatesMasterAndReplicas() throws ConfigException {
        Config c = parse("patroni-confd.cfg");
        assertThat(c.proxy("master").orElseThrow().check().http().uri()).isEqualTo("/master");
        assertThat(c.proxy("replicas").orElseThrow().check().http().uri()).isEqualTo("/replica");
        assertThat(c.notices()).isEmpty();
    }

    @Test
    void vitabaksConfigParsesWithNoticesForWhatPointsmanIgnores() throws ConfigException {
        Config c = parse("vitabaks-style.cfg");
        assertThat(c.global().logs()).extracting(LogTarget::kind).containsExactly(LogTarget.Kind.UNIX, LogTarget.Kind.UNIX);
        assertThat(c.global().logs().get(1).level()).isEqualTo(LogTarget.Level.NOTICE);
        assertThat(c.global().statsSockets()).singleElement().satisfies(s -> {
            assertThat(s.address()).isEqualTo(new StatsSocket.Unix("/run/haproxy/admin.sock"));
            assertThat(s.mode()).hasValue(0660);
            assertThat(s.level()).isEqualTo(StatsSocket.Level.ADMIN);
        });
        assertThat(c.global().statsTimeout()).isEqualTo(Duration.ofSeconds(30));
        // chroot, the socket's expose-fd, user, group, daemon
        assertThat(c.notices()).extracting(n -> n.source().line()).containsExactly(8, 9, 11, 12, 13);
        Proxy master = c.proxy("master").orElseThrow();
        assertThat(master.maxconn()).isEqualTo(10000);
        assertThat(master.tcplog()).isTrue();
        assertThat(master.check().http().uri()).isEqualTo("/primary");
        assertThat(master.servers().get(0).fastinter()).contains(Duration.ofSeconds(1));
        assertThat(master.servers().get(0).rise()).isEqualTo(4);
        assertThat(master.timeouts().queue()).contains(Duration.ofSeconds(5));
        assertThat(c.proxy("replicas_async").orElseThrow().balance().algorithm()).isEqualTo(Balance.Algorithm.LEASTCONN);
        assertThat(c.proxy("stats").orElseThrow().binds().get(0).host()).contains("10.128.64.140");
    }

    @Test
    void syslogConfigKeepsLineLengthTagsAndHostName() throws ConfigException {
        Config c = parse("syslog-tuned.cfg");
        assertThat(c.global().logs()).extracting(LogTarget::maxLength)
                .containsExactly(4096, LogTarget.DEFAULT_MAX_LENGTH);
        assertThat(c.global().logs().get(0).format()).isEqualTo(LogTarget.Format.RFC5424);
        assertThat(c.global().logTag()).contains("haproxy");
        assertThat(c.global().logSendHostname()).contains("pg-cluster-a");
        assertThat(c.proxy("primary").orElseThrow().logTag()).contains("haproxy-primary");
        assertThat(c.proxy("replicas").orElseThrow().logTag()).isEmpty();
        assertThat(c.notices()).isEmpty();
    }

    @Test
    void perconaConfigTakesTheSingleArgumentAsUri() throws ConfigException {
        Config c = parse("percona-style.cfg");
        HealthCheck.HttpCheck http = c.proxy("standbys").orElseThrow().check().http();
        assertThat(http.method()).isEqualTo("OPTIONS");
        assertThat(http.uri()).isEqualTo("/replica");
    }

    @Test
    void frontendBackendConfigRoutesAndExpandsTheEnvironment() throws ConfigException {
        Config c = parse("docker-frontend-backend.cfg");
        assertThat(c.global().nbthread()).isEqualTo(2);
        assertThat(c.global().hardStopAfter()).contains(Duration.ofSeconds(30));
        assertThat(c.global().logs().get(0).kind()).isEqualTo(LogTarget.Kind.STDOUT);
        assertThat(c.proxy("postgres_rw").orElseThrow().defaultBackend()).contains("postgres_primary");
        assertThat(c.proxy("postgres_ro").orElseThrow().defaultBackend()).contains("postgres_replicas");
        assertThat(c.proxy("postgres_rw").orElseThrow().binds().get(0)).hasToString("*:5000");

        StatsConfig stats = c.proxy("stats").orElseThrow().stats();
        assertThat(stats.auth()).containsExactly(new StatsConfig.Account("ops", "admin"));
        assertThat(stats.realm()).isEqualTo("Pointsman Statistics");
        assertThat(stats.refresh()).contains(Duration.ofSeconds(10));
        assertThat(stats.showNode()).contains("");

        Proxy primary = c.proxy("postgres_primary").orElseThrow();
        assertThat(primary.check().http().version()).isEqualTo("HTTP/1.1");
        assertThat(primary.check().http().headers()).containsExactly(new HealthCheck.Header("Host", "patroni"));
        assertThat(primary.redispatch()).isEqualTo(-1);
        assertThat(primary.serverKeepalive()).isTrue();
        ServerConfig s = primary.servers().get(0);
        assertThat(s.slowstart()).contains(Duration.ofSeconds(10));
        assertThat(s.downinter()).contains(Duration.ofSeconds(5));
        assertThat(s.fastinter()).contains(Duration.ofMillis(500));

        Proxy replicas = c.proxy("postgres_replicas").orElseThrow();
        assertThat(replicas.check().http().method()).isEqualTo("GET");
        assertThat(replicas.check().http().uri()).isEqualTo("/replica?lag=16MB");
        assertThat(replicas.servers().get(3).backup()).isTrue();
    }

    @Test
    void pointsmanRoleChecksAndSwitchedOffPatroniRules() throws ConfigException {
        Config c = parse("pointsman-role-check.cfg");
        HealthCheck primary = c.proxy("primary").orElseThrow().check();
        assertThat(primary.type()).isEqualTo(HealthCheck.Type.PGSQL_ROLE);
        assertThat(primary.roleCheck()).contains(new HealthCheck.RoleCheck("pointsman", Optional.of("pw"), "postgres",
                HealthCheck.RoleCheck.Role.PRIMARY));
        assertThat(c.proxy("replicas").orElseThrow().check().roleCheck().orElseThrow().expect())
                .isEqualTo(HealthCheck.RoleCheck.Role.REPLICA);
        assertThat(c.proxy("replicas").orElseThrow().balance()).isEqualTo(new Balance(Balance.Algorithm.RANDOM, 2));
        assertThat(c.proxy("any").orElseThrow().check().pgsqlUser()).contains("haproxy");
        assertThat(c.proxy("any").orElseThrow().server("pg-4").orElseThrow().address().isUnresolved()).isTrue();
        HealthCheck legacy = c.proxy("legacy").orElseThrow().check();
        assertThat(legacy.patroni()).isEqualTo(new HealthCheck.PatroniRules(false, false));
        assertThat(legacy.http().expect()).contains(new HealthCheck.Expect(true, HealthCheck.Expect.Kind.STATUS, "503"));
    }
}
