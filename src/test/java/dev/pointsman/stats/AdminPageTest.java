package dev.pointsman.stats;

import static dev.pointsman.stats.NettyHttpClient.basic;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/**
 * The frame of the tests of the page's server actions: a stats section with {@code stats admin if
 * TRUE} and basic auth, a client for it, and backend {@code primary} (proxy #2, pg-1 and pg-2)
 * with pg-1 usable before each test.
 */
abstract class AdminPageTest {
    static final String AUTH = basic("admin", "secret");
    StatsFixture fx;
    NettyHttpClient admin;
    Backend primary;

    @BeforeEach
    void start() throws Exception {
        fx = new StatsFixture("", "    stats admin if TRUE\n");
        admin = new NettyHttpClient(fx.statsPort);
        primary = fx.proxy.backends().get("primary");
        await().atMost(Duration.ofSeconds(5)).until(() -> server("pg-1").usable());
    }

    @AfterEach
    void stop() {
        admin.close();
        fx.close();
    }

    Server server(String n) {
        return primary.server(n).orElseThrow();
    }
}
