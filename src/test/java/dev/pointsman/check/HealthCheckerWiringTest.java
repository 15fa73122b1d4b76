package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.config.ServerConfig;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The public entry point on a real event loop against a scripted Patroni endpoint. */
class HealthCheckerWiringTest {

    @Test
    void checkerBuiltFromConfigReportsUpThenDownWithPatroniStatus() throws Exception {
        // Given a Patroni-like primary, then the same node demoted
        String primary = PatroniRulesTest.answer(200, "primary", "running");
        String demoted = PatroniRulesTest.answer(503, "replica", "running");
        List<String> answers = new CopyOnWriteArrayList<>(List.of(primary, demoted));
        List<CheckReport> reports = new CopyOnWriteArrayList<>();
        try (ScriptedServer patroni = ScriptedServer.http(out -> out.write(
                (answers.size() > 1 ? answers.remove(0) : answers.get(0)).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1)),
                true);
             ProbeHarness harness = new ProbeHarness();
             CheckEnvironment env = CheckEnvironment.create(harness.group, NioSocketChannel.class)) {
            ServerConfig server = TestConfigs.server("pg-1", patroni.address(), Duration.ofMillis(100),
                    Optional.of(Duration.ofMillis(50)), Optional.empty(), 2, 3, false, true);
            var backend = TestConfigs.backend("primary", TestConfigs.httpchk("GET", "/primary", "HTTP/1.0"),
                    TestConfigs.timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)), List.of(server));

            // When the checker runs
            try (HealthChecker checker = HealthChecker.forServer(backend, server, 0, 1, env, reports::add).orElseThrow()) {
                checker.start();

                // Then the first pass makes it UP, and the demoted node's 503 "replica" forces it DOWN at once
                await().atMost(Duration.ofSeconds(10)).until(() -> reports.size() >= 2);
                assertThat(reports.get(0).changed()).isTrue();
                assertThat(reports.get(0).current()).isEqualTo(OperationalState.UP);
                assertThat(reports.get(0).patroni()).get().extracting(PatroniStatus::isPrimary).isEqualTo(true);
                assertThat(reports.get(1).changed()).isTrue();
                assertThat(reports.get(1).forcedDown()).isTrue();
                assertThat(reports.get(1).current()).isEqualTo(OperationalState.DOWN);
                assertThat(HealthLog.stateChange(reports.get(1), new HealthLog.ServerCounts(0, 0, 0, 0, 0)))
                        .startsWith("Server primary/pg-1 is DOWN, reason: Layer7 wrong status, code: 503, "
                                + "info: \"Service Unavailable\", check duration: ");
                assertThat(patroni.lastRequest()).isEqualTo("GET /primary HTTP/1.0\r\n\r\n");
            }
        }
    }
}
