package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.StatsConfig;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatsRouteTest {
    static final StatsConfig OPEN = new StatsConfig(true, "/haproxy?stats", Optional.of(Duration.ofSeconds(10)),
            List.of(), "HAProxy Statistics", false, Optional.empty(), StatsConfig.Admin.NOBODY);
    static final StatsConfig LOCKED = new StatsConfig(true, "/", Optional.empty(),
            List.of(new StatsConfig.Account("admin", "secret"), new StatsConfig.Account("ops", "pw")),
            "Cluster", false, Optional.empty(), StatsConfig.Admin.NOBODY);

    private static Optional<String> basic(String userPass) {
        return Optional.of("Basic " + Base64.getEncoder().encodeToString(userPass.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void optionsAfterTheUriSelectCsvJsonAndNoRefresh() {
        assertThat(StatsRoute.of("GET", "/haproxy?stats", Optional.empty(), OPEN, true))
                .isEqualTo(new StatsRoute(StatsRoute.Kind.HTML, true));
        assertThat(StatsRoute.of("GET", "/haproxy?stats;csv", Optional.empty(), OPEN, true).kind()).isEqualTo(StatsRoute.Kind.CSV);
        assertThat(StatsRoute.of("GET", "/haproxy?stats;json", Optional.empty(), OPEN, true).kind()).isEqualTo(StatsRoute.Kind.JSON);
        assertThat(StatsRoute.of("GET", "/haproxy?stats;norefresh", Optional.empty(), OPEN, true).refresh()).isFalse();
        assertThat(StatsRoute.of("GET", "/metrics", Optional.empty(), OPEN, true).kind()).isEqualTo(StatsRoute.Kind.METRICS);
        assertThat(StatsRoute.of("GET", "/elsewhere", Optional.empty(), OPEN, true).kind()).isEqualTo(StatsRoute.Kind.NOT_FOUND);
        assertThat(StatsRoute.of("POST", "/haproxy?stats", Optional.empty(), OPEN, true).kind())
                .as("without stats admin").isEqualTo(StatsRoute.Kind.DENY);
        assertThat(StatsRoute.of("PUT", "/haproxy?stats", Optional.empty(), OPEN, true).kind())
                .isEqualTo(StatsRoute.Kind.METHOD_NOT_ALLOWED);
    }

    @Test
    void everyAccountIsAcceptedAndAnythingElseRefused() {
        assertThat(StatsRoute.of("GET", "/", basic("admin:secret"), LOCKED, true).kind()).isEqualTo(StatsRoute.Kind.HTML);
        assertThat(StatsRoute.of("GET", "/", basic("ops:pw"), LOCKED, true).kind()).isEqualTo(StatsRoute.Kind.HTML);
        assertThat(StatsRoute.of("GET", "/", basic("admin:wrong"), LOCKED, true).kind()).isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        assertThat(StatsRoute.of("GET", "/", basic("admin:secretx"), LOCKED, true).kind()).isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        assertThat(StatsRoute.of("GET", "/", Optional.empty(), LOCKED, true).kind()).isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        assertThat(StatsRoute.of("GET", "/", Optional.of("Basic %%%"), LOCKED, true).kind()).isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        assertThat(StatsRoute.of("GET", "/metrics", Optional.of("Bearer x"), LOCKED, true).kind())
                .isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
    }

    private static StatsConfig admin(StatsConfig.Admin admin) {
        return new StatsConfig(true, "/", Optional.empty(), LOCKED.auth(), "Cluster", false, Optional.empty(), admin);
    }

    @Test
    void aPostToAckAlertsActsOnlyForAnAuthenticatedClientThatStatsAdminAllows() {
        Optional<String> ok = basic("admin:secret");
        // without stats admin: refused after authentication
        assertThat(StatsRoute.of("POST", "/;ack-alerts", ok, LOCKED, true).kind()).isEqualTo(StatsRoute.Kind.FORBIDDEN);
        assertThat(StatsRoute.of("POST", "/;ack-alerts", Optional.empty(), admin(StatsConfig.Admin.ANYONE), true).kind())
                .isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        // if TRUE: anyone authenticated; if LOCALHOST: from a loopback address only
        assertThat(StatsRoute.of("POST", "/;ack-alerts", ok, admin(StatsConfig.Admin.ANYONE), false))
                .isEqualTo(new StatsRoute(StatsRoute.Kind.ACK, false, Optional.empty()));
        assertThat(StatsRoute.of("POST", "/;ack-alerts=primary", ok, admin(StatsConfig.Admin.LOCALHOST), true))
                .isEqualTo(new StatsRoute(StatsRoute.Kind.ACK, false, Optional.of("primary")));
        assertThat(StatsRoute.of("POST", "/;ack-alerts", ok, admin(StatsConfig.Admin.LOCALHOST), false).kind())
                .isEqualTo(StatsRoute.Kind.FORBIDDEN);
        // a POST to /metrics is not allowed, and a GET never acts
        assertThat(StatsRoute.of("POST", "/metrics", ok, admin(StatsConfig.Admin.ANYONE), true).kind())
                .isEqualTo(StatsRoute.Kind.METHOD_NOT_ALLOWED);
        assertThat(StatsRoute.of("GET", "/;ack-alerts", ok, admin(StatsConfig.Admin.ANYONE), true).kind())
                .isEqualTo(StatsRoute.Kind.HTML);
    }

    @Test
    void aPostToThePageIsAServerActionWhereStatsAdminAllowsAndDeniedElsewhere() {
        Optional<String> ok = basic("admin:secret");
        StatsConfig open = admin(StatsConfig.Admin.ANYONE);

        assertThat(StatsRoute.of("POST", "/", ok, open, false).kind()).isEqualTo(StatsRoute.Kind.ACTION);
        assertThat(StatsRoute.of("POST", "/;st=DONE", ok, open, false).kind()).isEqualTo(StatsRoute.Kind.ACTION);
        assertThat(StatsRoute.of("POST", "/", ok, admin(StatsConfig.Admin.LOCALHOST), true).kind())
                .isEqualTo(StatsRoute.Kind.ACTION);
        assertThat(StatsRoute.of("POST", "/", ok, admin(StatsConfig.Admin.LOCALHOST), false).kind())
                .isEqualTo(StatsRoute.Kind.DENY);
        assertThat(StatsRoute.of("POST", "/", ok, admin(StatsConfig.Admin.NOBODY), true).kind())
                .isEqualTo(StatsRoute.Kind.DENY);
        assertThat(StatsRoute.of("POST", "/", Optional.empty(), open, true).kind())
                .as("authentication first").isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
    }

    @Test
    void aPageAskedWithStShowsThatOutcomeAsHaproxyReadsIt() {
        assertThat(StatsRoute.of("GET", "/haproxy?stats;st=DONE", Optional.empty(), OPEN, true).status()).hasValue(PageStatus.DONE);
        assertThat(StatsRoute.of("GET", "/haproxy?stats;st=DENYING", Optional.empty(), OPEN, true).status()).hasValue(PageStatus.DENY);
        assertThat(StatsRoute.of("GET", "/haproxy?stats;st=WHAT", Optional.empty(), OPEN, true).status()).hasValue(PageStatus.UNKN);
        assertThat(StatsRoute.of("GET", "/haproxy?stats;st=OK", Optional.empty(), OPEN, true).status()).isEmpty();
        assertThat(StatsRoute.of("GET", "/haproxy?stats;csv;st=DONE", Optional.empty(), OPEN, true).status()).isEmpty();
    }
}
