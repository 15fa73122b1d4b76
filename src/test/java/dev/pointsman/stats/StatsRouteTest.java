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
        assertThat(StatsRoute.of("GET", "/haproxy?stats", Optional.empty(), OPEN))
                .isEqualTo(new StatsRoute(StatsRoute.Kind.HTML, true));
        assertThat(StatsRoute.of("GET", "/haproxy?stats;csv", Optional.empty(), OPEN).kind()).isEqualTo(StatsRoute.Kind.CSV);
        assertThat(StatsRoute.of("GET", "/haproxy?stats;json", Optional.empty(), OPEN).kind()).isEqualTo(StatsRoute.Kind.JSON);
        assertThat(StatsRoute.of("GET", "/haproxy?stats;norefresh", Optional.empty(), OPEN).refresh()).isFalse();
        assertThat(StatsRoute.of("GET", "/metrics", Optional.empty(), OPEN).kind()).isEqualTo(StatsRoute.Kind.METRICS);
        assertThat(StatsRoute.of("GET", "/elsewhere", Optional.empty(), OPEN).kind()).isEqualTo(StatsRoute.Kind.NOT_FOUND);
        assertThat(StatsRoute.of("POST", "/haproxy?stats", Optional.empty(), OPEN).kind())
                .isEqualTo(StatsRoute.Kind.METHOD_NOT_ALLOWED);
    }

    @Test
    void everyAccountIsAcceptedAndAnythingElseRefused() {
        assertThat(StatsRoute.of("GET", "/", basic("admin:secret"), LOCKED).kind()).isEqualTo(StatsRoute.Kind.HTML);
        assertThat(StatsRoute.of("GET", "/", basic("ops:pw"), LOCKED).kind()).isEqualTo(StatsRoute.Kind.HTML);
        assertThat(StatsRoute.of("GET", "/", basic("admin:wrong"), LOCKED).kind()).isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        assertThat(StatsRoute.of("GET", "/", basic("admin:secretx"), LOCKED).kind()).isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        assertThat(StatsRoute.of("GET", "/", Optional.empty(), LOCKED).kind()).isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        assertThat(StatsRoute.of("GET", "/", Optional.of("Basic %%%"), LOCKED).kind()).isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
        assertThat(StatsRoute.of("GET", "/metrics", Optional.of("Bearer x"), LOCKED).kind())
                .isEqualTo(StatsRoute.Kind.UNAUTHORIZED);
    }
}
