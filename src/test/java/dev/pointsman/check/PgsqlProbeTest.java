package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.HealthCheck.RoleCheck;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

class PgsqlProbeTest {
    private static final ProbeHarness HARNESS = new ProbeHarness();

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    private static HealthCheck pgsqlCheck(String user) {
        return new HealthCheck(HealthCheck.Type.PGSQL, HealthCheck.HttpCheck.DEFAULT, Optional.of(user), Optional.empty(),
                HealthCheck.PatroniRules.DEFAULT);
    }

    /** A backend message: type byte, int32 length (itself included), payload. */
    private static byte[] message(char type, byte[] payload) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(type);
        int len = payload.length + 4;
        out.write(len >>> 24);
        out.write(len >>> 16);
        out.write(len >>> 8);
        out.write(len);
        out.writeBytes(payload);
        return out.toByteArray();
    }

    private static ProbeOutcome check(byte[] answer, ScriptedServer[] serverOut) throws IOException {
        try (ScriptedServer pg = ScriptedServer.pgsql(answer)) {
            serverOut[0] = pg;
            return ProbeHarness.run(HARNESS.probe(pgsqlCheck("haproxy"), pg.address()));
        }
    }

    @Test
    void startupMessageCarriesOnlyTheUserLikeHaproxy() throws IOException {
        // Given option pgsql-check user haproxy, and a server asking for an MD5 password
        ScriptedServer[] pg = new ScriptedServer[1];
        byte[] md5 = message('R', new byte[] {0, 0, 0, 5, 1, 2, 3, 4});

        // When the check runs
        ProbeOutcome outcome = check(md5, pg);

        // Then the StartupMessage is len=15+7, protocol 3.0, "user\0haproxy\0\0", and the check passes
        byte[] expected = new byte[] {0, 0, 0, 22, 0, 3, 0, 0, 'u', 's', 'e', 'r', 0, 'h', 'a', 'p', 'r', 'o', 'x', 'y', 0, 0};
        assertThat(pg[0].requests().get(0)).containsExactly(expected);
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7OK);
        assertThat(outcome.result().info()).isEqualTo("PostgreSQL server is ok");
    }

    @Test
    void scramAuthenticationRequestAlsoPasses() throws IOException {
        // AuthenticationSASL (10), PostgreSQL 14+'s default: HAProxy's regex rejects it, Pointsman does not
        byte[] sasl = message('R', "\0\0\0\nSCRAM-SHA-256\0\0".getBytes(StandardCharsets.US_ASCII));
        assertThat(check(sasl, new ScriptedServer[1]).result().status()).isEqualTo(CheckStatus.L7OK);
    }

    @Test
    void errorResponseFailsWithTheServersMessage() throws IOException {
        byte[] error = message('E', ("SFATAL\0VFATAL\0C28000\0Mno pg_hba.conf entry for host \"127.0.0.1\", "
                + "user \"haproxy\"\0\0").getBytes(StandardCharsets.UTF_8));

        ProbeOutcome outcome = check(error, new ScriptedServer[1]);

        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7RSP);
        assertThat(outcome.result().info()).isEqualTo("FATAL: no pg_hba.conf entry for host \"127.0.0.1\", user \"haproxy\"");
    }

    @Test
    void anythingElseIsAnUnknownError() throws IOException {
        ProbeOutcome outcome = check("HTTP/1.0 400 Bad Request\r\n\r\n".getBytes(StandardCharsets.US_ASCII),
                new ScriptedServer[1]);
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7STS);
        assertThat(outcome.result().info()).isEqualTo("PostgreSQL unknown error");
    }

    @Test
    void closeWithoutAnswerIsAnEmptyResponse() throws IOException {
        assertThat(check(new byte[0], new ScriptedServer[1]).result().status()).isEqualTo(CheckStatus.L7RSP);
    }

    @Test
    void sqlRoleProbeAgainstNoServerFailsCleanlyAsConnectionProblem() throws IOException {
        // Given option pgsql-role-check against a port where nothing listens.
        // (No PostgreSQL in unit tests: the end-to-end test against a real cluster is an *IT.)
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), ScriptedServer.closedPort());
        HealthCheck role = new HealthCheck(HealthCheck.Type.PGSQL_ROLE, HealthCheck.HttpCheck.DEFAULT, Optional.empty(),
                Optional.of(new RoleCheck("pointsman", Optional.of("secret"), "postgres", RoleCheck.Role.PRIMARY)),
                HealthCheck.PatroniRules.DEFAULT);

        // When the check runs
        ProbeOutcome outcome = ProbeHarness.run(HARNESS.probe(role, nobody,
                TestConfigs.timeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)), Duration.ofSeconds(2)));

        // Then it is a Layer4 connection problem, not a hang nor a crash
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L4CON);
        assertThat(outcome.result().info()).contains("Connection refused");
    }

    @Test
    void sqlRoleProbeTakesItsDriverTimeoutsFromTheCheckTimeouts() {
        RoleCheck role = new RoleCheck("u", Optional.empty(), "postgres", RoleCheck.Role.REPLICA);
        SqlRoleProbe probe = new SqlRoleProbe(Runnable::run, () -> new InetSocketAddress("127.0.0.1", 5432), role,
                new ProbeTimeouts(Duration.ofMillis(1500), Optional.of(Duration.ofSeconds(5)), Duration.ofSeconds(3)));

        assertThat(probe.url()).isEqualTo("jdbc:postgresql://127.0.0.1:5432/postgres");
        assertThat(probe.properties()).containsEntry("connectTimeout", "2").containsEntry("socketTimeout", "5")
                .containsEntry("loginTimeout", "7").containsEntry("user", "u").doesNotContainKey("password");
    }
}
