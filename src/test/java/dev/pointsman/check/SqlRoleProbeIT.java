package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.testing.RealCluster;
import java.time.Duration;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Pointsman's SQL role probe (option pgsql-role-check) against the real PostgreSQL nodes. */
class SqlRoleProbeIT {

    @BeforeAll
    static void cluster() {
        RealCluster.assumeReachable();
    }

    private static final String CONFIG = """
            defaults
                mode tcp
                timeout connect 2s
                timeout client 1m
                timeout server 1m
                timeout check 2s
            backend writers
                option pgsql-role-check user postgres password postgres expect primary
                default-server inter 1s fall 2 rise 1
                server pg-1 127.0.0.11:5432 check
                server pg-2 127.0.0.12:5432 check
                server pg-3 127.0.0.13:5432 check
            backend readers
                option pgsql-role-check user postgres password postgres expect replica
                default-server inter 1s fall 2 rise 1
                server pg-1 127.0.0.11:5432 check
                server pg-2 127.0.0.12:5432 check
                server pg-3 127.0.0.13:5432 check
            frontend w
                bind 127.0.0.1:15432
                default_backend writers
            frontend r
                bind 127.0.0.1:15433
                default_backend readers
            """;

    private static Set<String> usable(Backend b) {
        return b.servers().stream().filter(Server::usable).map(Server::name).collect(Collectors.toSet());
    }

    @Test
    void onlyTheNodeThatIsNotInRecoveryPassesThePrimaryProbeAndTheOthersTheReplicaProbe() throws Exception {
        Config config = ConfigParser.system().parse("role.cfg", CONFIG);
        try (Pointsman p = Pointsman.start(config)) {
            Backend writers = p.backends().get("writers");
            Backend readers = p.backends().get("readers");

            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                String leader = RealCluster.leader().orElseThrow();
                assertThat(usable(writers)).containsExactly(leader);
                assertThat(usable(readers)).hasSize(2).doesNotContain(leader);
            });
            Server any = writers.servers().get(0);
            assertThat(any.lastCheck()).isPresent();
            assertThat(any.lastCheck().get().result().status().name()).isIn("L7OK", "L7STS");
        }
    }
}
