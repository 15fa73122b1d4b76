package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.HealthCheck.HttpCheck;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Both Patroni rules against Patroni 3.0-shaped ("master") and 4.x-shaped ("primary") GET answers. */
class PatroniRulesTest {
    private static final ProbeHarness HARNESS = new ProbeHarness();

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    static String body(String role, String state) {
        boolean primary = role.equals("master") || role.equals("primary");
        String xlog = primary ? "{\"location\": 67108960}"
                : "{\"received_location\": 67108960, \"replayed_location\": 67108960, "
                        + "\"replayed_timestamp\": null, \"paused\": false}";
        return "{\"state\": \"" + state + "\", \"postmaster_start_time\": \"2024-11-26 20:58:01.2+00:00\", "
                + "\"role\": \"" + role + "\", \"server_version\": 150010, \"xlog\": " + xlog
                + ", \"timeline\": 3, \"dcs_last_seen\": 1732654713, \"database_system_identifier\": \"7441\", "
                + "\"patroni\": {\"version\": \"" + (role.equals("master") ? "3.0.2" : "4.0.4")
                + "\", \"scope\": \"demo\", \"name\": \"pg-1\"}}";
    }

    /** Python's BaseHTTPRequestHandler shape: Server/Date headers, Content-Type json, no length, EOF. */
    static String answer(int status, String role, String state) {
        String reason = status == 200 ? "OK" : "Service Unavailable";
        return "HTTP/1.0 " + status + " " + reason + "\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\n"
                + "Date: Tue, 26 Nov 2024 20:58:33 GMT\r\nContent-Type: application/json\r\n\r\n" + body(role, state);
    }

    private static ProbeOutcome check(String uri, HealthCheck.PatroniRules rules, String answer) throws IOException {
        HttpCheck http = new HttpCheck("GET", uri, "HTTP/1.0", List.of(), Optional.empty(), Optional.empty());
        try (ScriptedServer patroni = ScriptedServer.http(answer)) {
            return ProbeHarness.run(HARNESS.probe(TestConfigs.http(http, rules), patroni.address()));
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}/{3}: {4} forceDown={5}")
    @CsvSource(textBlock = """
            /primary, 503, replica,        running,  L7STS, true
            /primary, 503, replica,        starting, L7STS, true
            /,        503, standby_leader, running,  L7STS, true
            /master,  503, master,         running,  L7STS, false
            /primary, 503, primary,        running,  L7STS, false
            /primary, 200, master,         running,  L7OK,  false
            /primary, 200, primary,        running,  L7OK,  false
            /replica, 200, master,         running,  L7STS, true
            /replica, 503, primary,        running,  L7STS, true
            /replica, 200, replica,        running,  L7OK,  false
            /replica, 503, replica,        stopped,  L7STS, false
            /replica?lag=10MB, 503, primary, running, L7STS, true
            /read-only, 200, primary,      running,  L7OK,  false
            /read-only, 503, replica,      stopped,  L7STS, false
            """)
    void fastDemoteMarksDefinitiveRoleStatementsDownAtOnce(String uri, int status, String role, String state,
                                                           CheckStatus expected, boolean forceDown) throws IOException {
        // Given a Patroni node answering GET with its JSON status
        ProbeOutcome outcome = check(uri, HealthCheck.PatroniRules.DEFAULT, answer(status, role, state));

        // Then the verdict, and whether it forces the server DOWN without waiting for fall
        assertThat(outcome.result().status()).isEqualTo(expected);
        assertThat(outcome.forceDown()).isEqualTo(forceDown);
        assertThat(outcome.patroni()).get().extracting(p -> p.role().orElseThrow()).isEqualTo(role);
    }

    @Test
    void fastDemoteOffLeavesA503ToFall() throws IOException {
        ProbeOutcome outcome = check("/primary", new HealthCheck.PatroniRules(false, true), answer(503, "replica", "running"));
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7STS);
        assertThat(outcome.forceDown()).isFalse();
    }

    @ParameterizedTest(name = "verify primary: 200 {0}/{1} -> {2}")
    @CsvSource(textBlock = """
            master,  running,  L7OK
            primary, running,  L7OK
            replica, running,  L7STS
            primary, starting, L7STS
            master,  stopped,  L7STS
            """)
    void verifyPrimaryPassesA200OnlyWhenTheBodySaysRunningPrimary(String role, String state, CheckStatus expected)
            throws IOException {
        // Given the new leader answering 200 on /primary (patroni#2972) with what it really is
        ProbeOutcome outcome = check("/primary", HealthCheck.PatroniRules.DEFAULT, answer(200, role, state));

        // Then 200 alone is not enough; a failure is an ordinary one (no force down)
        assertThat(outcome.result().status()).isEqualTo(expected);
        assertThat(outcome.forceDown()).isFalse();
        if (expected == CheckStatus.L7STS) {
            assertThat(outcome.result().info())
                    .isEqualTo("Patroni role " + role + ", state " + state + " (expected: primary, running)");
        }
    }

    @Test
    void verifyPrimaryOffTrustsTheStatus() throws IOException {
        ProbeOutcome outcome = check("/primary", new HealthCheck.PatroniRules(true, false), answer(200, "replica", "running"));
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7OK);
    }

    @Test
    void answersWithoutBodyAreJudgedByStatusOnly() throws IOException {
        // OPTIONS/HEAD: a bare status line, nothing to read a role from
        ProbeOutcome outcome = check("/primary", HealthCheck.PatroniRules.DEFAULT, "HTTP/1.0 503 Service Unavailable\r\n\r\n");
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7STS);
        assertThat(outcome.forceDown()).isFalse();
        assertThat(outcome.patroni()).isEmpty();
    }

    @Test
    void patroniStatusIsParsedFromA4xReplicaBody() throws IOException {
        ProbeOutcome outcome = check("/replica", HealthCheck.PatroniRules.DEFAULT, answer(200, "replica", "running"));

        PatroniStatus status = outcome.patroni().orElseThrow();
        assertThat(status.state()).hasValue("running");
        assertThat(status.timeline()).hasValue(3);
        assertThat(status.serverVersion()).hasValue(150010);
        assertThat(status.xlog()).get().satisfies(x -> {
            assertThat(x.replayedLocation()).hasValue(67108960);
            assertThat(x.paused()).hasValue(false);
            assertThat(x.replayedTimestamp()).isEmpty();
        });
        assertThat(status.patroni()).get().satisfies(p -> {
            assertThat(p.version()).hasValue("4.0.4");
            assertThat(p.scope()).hasValue("demo");
            assertThat(p.name()).hasValue("pg-1");
        });
        assertThat(status.isPrimary()).isFalse();
    }

    @Test
    void patroniStatusReadsPendingRestartAndReplicationState() {
        String json = "{\"role\":\"replica\",\"state\":\"running\",\"pending_restart\":true,"
                + "\"replication_state\":\"streaming\",\"xlog\":{\"location\":5}}";
        PatroniStatus status = PatroniStatus.parse(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)).orElseThrow();
        assertThat(status.pendingRestart()).isTrue();
        assertThat(status.replicationState()).hasValue("streaming");
        assertThat(status.xlog().orElseThrow().location()).hasValue(5);
    }

    @Test
    void nonJsonBodyGivesNoPatroniStatus() {
        assertThat(PatroniStatus.parse("not json".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEmpty();
        assertThat(PatroniStatus.parse("[1,2]".getBytes(java.nio.charset.StandardCharsets.UTF_8))).isEmpty();
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(textBlock = """
            /,                 PRIMARY
            '',                PRIMARY
            /primary,          PRIMARY
            /Master/,          PRIMARY
            /read-write,       PRIMARY
            /replica,          REPLICA
            OPTIONS/replica,   REPLICA
            /replica?lag=1MB,  REPLICA
            /async,            REPLICA
            /synchronous,      REPLICA
            /read-only,        OTHER
            /read-only-sync,   OTHER
            /health,           OTHER
            /leader,           OTHER
            /primary?x=1,      PRIMARY
            """)
    void poolKindIsDecidedByTheHttpchkUri(String uri, PoolKind expected) {
        assertThat(PoolKind.of(uri == null ? "" : uri)).isEqualTo(expected);
    }
}
