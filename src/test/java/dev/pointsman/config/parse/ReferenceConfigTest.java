package dev.pointsman.config.parse;

import dev.pointsman.config.Balance;
import dev.pointsman.config.Config;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** examples/patroni-haproxy.cfg, the design's reference configuration. */
class ReferenceConfigTest {
    private static Config config;

    @BeforeAll
    static void parseReference() throws ConfigException {
        config = Configs.PARSER.parse(List.of(Path.of("examples/patroni-haproxy.cfg")));
    }

    @Test
    void referenceConfigHasThreeProxiesInFileOrder() {
        assertThat(config.proxies()).extracting(Proxy::name).containsExactly("stats", "primary", "standby");
    }

    @Test
    void globalSetsMaxconnAndOneUdpLogTarget() {
        assertThat(config.global().maxconn()).isEqualTo(300);
        assertThat(config.global().logs()).singleElement().satisfies(log -> {
            assertThat(log.kind()).isEqualTo(LogTarget.Kind.UDP);
            assertThat(log.address()).isEqualTo("127.0.0.1");
            assertThat(log.port()).isEqualTo(514);
            assertThat(log.facility()).isEqualTo(LogTarget.Facility.LOCAL2);
        });
    }

    @Test
    void statsListensOn7000InHttpModeWithThePageAtRoot() {
        Proxy stats = config.proxy("stats").orElseThrow();
        assertThat(stats.mode()).isEqualTo(Proxy.Mode.HTTP);
        assertThat(stats.binds()).singleElement().hasToString("*:7000");
        assertThat(stats.stats().enabled()).isTrue();
        assertThat(stats.stats().uri()).isEqualTo("/");
        assertThat(stats.servers()).isEmpty();
        assertThat(stats.defaultBackend()).isEmpty();
    }

    @Test
    void primaryChecksOptionsSlashHttp10ExpectingStatus200() {
        Proxy primary = config.proxy("primary").orElseThrow();
        assertThat(primary.binds()).singleElement().hasToString("*:5000");
        HealthCheck check = primary.check();
        assertThat(check.type()).isEqualTo(HealthCheck.Type.HTTP);
        assertThat(check.http().method()).isEqualTo("OPTIONS");
        assertThat(check.http().uri()).isEqualTo("/");
        assertThat(check.http().version()).isEqualTo("HTTP/1.0");
        assertThat(check.http().expect()).contains(new HealthCheck.Expect(false, HealthCheck.Expect.Kind.STATUS, "200"));
        assertThat(check.patroni()).isEqualTo(HealthCheck.PatroniRules.DEFAULT);
    }

    @Test
    void standbyTakesTheSingleHttpchkArgumentAsTheUri() {
        HealthCheck check = config.proxy("standby").orElseThrow().check();
        assertThat(check.http().method()).isEqualTo("OPTIONS");
        assertThat(check.http().uri()).isEqualTo("OPTIONS/replica");
        assertThat(config.proxy("standby").orElseThrow().binds()).singleElement().hasToString("*:5001");
    }

    @Test
    void serversGetDefaultServerAndTheirOwnOptions() {
        for (String name : List.of("primary", "standby")) {
            Proxy p = config.proxy(name).orElseThrow();
            assertThat(p.servers()).extracting(ServerConfig::name).containsExactly("pg-1", "pg-2", "pg-3");
            assertThat(p.servers()).extracting(ServerConfig::id).containsExactly(1, 2, 3);
            for (ServerConfig s : p.servers()) {
                assertThat(s.maxconn()).isEqualTo(100);
                assertThat(s.check()).isTrue();
                assertThat(s.checkPort()).hasValue(8008);
                assertThat(s.inter()).isEqualTo(Duration.ofSeconds(3));
                assertThat(s.fall()).isEqualTo(3);
                assertThat(s.rise()).isEqualTo(2);
                assertThat(s.weight()).isEqualTo(1);
                assertThat(s.shutdownSessionsOnDown()).isTrue();
                assertThat(s.shutdownBackupSessionsOnUp()).isFalse();
                assertThat(s.port()).isEqualTo(5432);
            }
            assertThat(p.servers().get(0).address()).isEqualTo(new InetSocketAddress("127.0.0.11", 5432));
            assertThat(p.servers().get(2).checkAddress()).isEqualTo(new InetSocketAddress("127.0.0.13", 8008));
        }
    }

    @Test
    void defaultsGiveRetriesTimeoutsAndGlobalLogs() {
        Proxy primary = config.proxy("primary").orElseThrow();
        assertThat(primary.retries()).isEqualTo(2);
        assertThat(primary.mode()).isEqualTo(Proxy.Mode.TCP);
        assertThat(primary.balance()).isEqualTo(Balance.DEFAULT);
        assertThat(primary.timeouts().client()).contains(Duration.ofMinutes(30));
        assertThat(primary.timeouts().server()).contains(Duration.ofMinutes(30));
        assertThat(primary.timeouts().connect()).contains(Duration.ofSeconds(4));
        assertThat(primary.timeouts().check()).contains(Duration.ofSeconds(5));
        assertThat(primary.timeouts().queue()).isEmpty();
        assertThat(primary.timeouts().effectiveQueue()).contains(Duration.ofSeconds(4));
        assertThat(primary.logs()).isEqualTo(config.global().logs());
    }

    @Test
    void listenWithServersSendsToItself() {
        assertThat(config.proxy("primary").orElseThrow().defaultBackend()).isEqualTo(Optional.of("primary"));
        assertThat(config.proxy("primary").orElseThrow().isFrontend()).isTrue();
        assertThat(config.proxy("primary").orElseThrow().isBackend()).isTrue();
    }

    @Test
    void referenceConfigNeedsNoNotice() {
        assertThat(config.notices()).isEmpty();
    }
}
