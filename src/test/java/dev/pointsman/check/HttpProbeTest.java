package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.HealthCheck.Expect;
import dev.pointsman.config.HealthCheck.Header;
import dev.pointsman.config.HealthCheck.HttpCheck;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpProbeTest {
    private static final ProbeHarness HARNESS = new ProbeHarness();
    private static final String BARE_200 = "HTTP/1.0 200 OK\r\n\r\n";
    private static final String BARE_503 = "HTTP/1.0 503 Service Unavailable\r\n\r\n";

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    private static ProbeOutcome check(HealthCheck check, ScriptedServer server) {
        return ProbeHarness.run(HARNESS.probe(check, server.address()));
    }

    private static HealthCheck optionHttpchk() {
        return TestConfigs.http(HttpCheck.DEFAULT);
    }

    // --- request bytes ------------------------------------------------------------------------

    @Test
    void optionHttpchkWithoutArgumentsSendsExactlyHaproxysCapturedBytes() throws IOException {
        // Given option httpchk (no argument) against a Patroni-like endpoint
        try (ScriptedServer patroni = ScriptedServer.http(BARE_200)) {
            // When the check runs
            check(optionHttpchk(), patroni);

            // Then the bytes are those HAProxy 2.6 was captured sending: no header at all
            assertThat(patroni.lastRequest()).isEqualTo("OPTIONS / HTTP/1.0\r\n\r\n");
        }
    }

    @ParameterizedTest(name = "{0} {1} {2}")
    @CsvSource(delimiter = '|', textBlock = """
            OPTIONS | /primary        | HTTP/1.0 | OPTIONS /primary HTTP/1.0\\r\\n\\r\\n
            OPTIONS | OPTIONS/replica | HTTP/1.0 | OPTIONS OPTIONS/replica HTTP/1.0\\r\\n\\r\\n
            GET     | /replica        | HTTP/1.0 | GET /replica HTTP/1.0\\r\\n\\r\\n
            HEAD    | /primary        | HTTP/1.0 | HEAD /primary HTTP/1.0\\r\\n\\r\\n
            GET     | /primary        | HTTP/1.1 | GET /primary HTTP/1.1\\r\\nhost: HOST:PORT\\r\\nconnection: close\\r\\n\\r\\n
            POST    | /               | HTTP/1.0 | POST / HTTP/1.0\\r\\ncontent-length: 0\\r\\n\\r\\n
            """)
    void httpchkArgumentFormsSendTheirRequestLine(String method, String uri, String version, String expected)
            throws IOException {
        // Given option httpchk with one, two or three arguments (the parser fills method/uri/version)
        try (ScriptedServer patroni = ScriptedServer.http(BARE_200)) {
            // When the check runs
            check(TestConfigs.httpchk(method, uri, version), patroni);

            // Then the request line is exactly the configured one, plus HAProxy's headers for 1.1
            assertThat(patroni.lastRequest()).isEqualTo(expected.replace("\\r\\n", "\r\n")
                    .replace("PORT", Integer.toString(patroni.port()))
                    .replace("HOST", patroni.address().getHostString()));
        }
    }

    @Test
    void httpCheckSendHeadersComeInOrderWithLowerCaseNamesAndReplaceDefaults() throws IOException {
        // Given http-check send hdr Host / Connection and a body on HTTP/1.1
        HttpCheck http = new HttpCheck("POST", "/check", "HTTP/1.1",
                List.of(new Header("Host", "pg.example"), new Header("Connection", "keep-alive"),
                        new Header("X-Check", "pointsman")),
                Optional.of("ping"), Optional.empty());
        try (ScriptedServer server = ScriptedServer.http(BARE_200)) {
            // When the check runs
            check(TestConfigs.http(http), server);

            // Then no host/connection is added and the body carries its length
            assertThat(server.lastRequest()).isEqualTo("POST /check HTTP/1.1\r\nhost: pg.example\r\n"
                    + "connection: keep-alive\r\nx-check: pointsman\r\ncontent-length: 4\r\n\r\nping");
        }
    }

    @Test
    void httpCheckSendHeaderOnHttp10AddsNothingElse() throws IOException {
        HttpCheck http = new HttpCheck("GET", "/primary", "HTTP/1.0", List.of(new Header("Host", "pg-1")),
                Optional.empty(), Optional.empty());
        try (ScriptedServer server = ScriptedServer.http(BARE_200)) {
            check(TestConfigs.http(http), server);
            assertThat(server.lastRequest()).isEqualTo("GET /primary HTTP/1.0\r\nhost: pg-1\r\n\r\n");
        }
    }

    // --- answers ------------------------------------------------------------------------------

    @Test
    void bareStatusLineEndingAtEofPasses() throws IOException {
        // Given Patroni's HEAD/OPTIONS answer: a bare status line, no headers, then EOF
        try (ScriptedServer patroni = ScriptedServer.http(BARE_200)) {
            ProbeOutcome outcome = check(optionHttpchk(), patroni);

            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7OK);
            assertThat(outcome.result().code()).hasValue(200);
            assertThat(outcome.patroni()).isEmpty();
        }
    }

    @Test
    void bare503IsWrongStatusWithReasonPhraseAsInfo() throws IOException {
        try (ScriptedServer patroni = ScriptedServer.http(BARE_503)) {
            ProbeOutcome outcome = check(optionHttpchk(), patroni);

            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7STS);
            assertThat(outcome.result().code()).hasValue(503);
            assertThat(outcome.result().info()).isEqualTo("Service Unavailable");
            assertThat(outcome.forceDown()).isFalse();
        }
    }

    @Test
    void singleCrlfStatusLineOfOldPatroniPassesAtEof() throws IOException {
        try (ScriptedServer patroni = ScriptedServer.http("HTTP/1.0 200 OK\r\n")) {
            assertThat(check(optionHttpchk(), patroni).result().status()).isEqualTo(CheckStatus.L7OK);
        }
    }

    @Test
    void bodyEndedByEofWithoutContentLengthIsRead() throws IOException {
        String answer = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n{\"role\":\"primary\",\"state\":\"running\"}";
        try (ScriptedServer patroni = ScriptedServer.http(answer)) {
            ProbeOutcome outcome = check(TestConfigs.httpchk("GET", "/primary", "HTTP/1.0"), patroni);

            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7OK);
            assertThat(outcome.patroni()).get().extracting(PatroniStatus::isPrimary).isEqualTo(true);
        }
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            garbage            | SSH-2.0-OpenSSH_9.2\\r\\n                                 | invalid status line
            empty              |                                                           | empty response
            truncated line     | HTTP/1.0 20                                               | invalid status line
            bad header         | HTTP/1.0 200 OK\\r\\nno colon here\\r\\n\\r\\n             | invalid header line
            truncated body     | HTTP/1.0 200 OK\\r\\nContent-Length: 100\\r\\n\\r\\n{\\"a\\" | truncated body: got 4 of 100 bytes
            declared too large | HTTP/1.0 200 OK\\r\\nContent-Length: 100000\\r\\n\\r\\n     | response too large
            bad length         | HTTP/1.0 200 OK\\r\\nContent-Length: x\\r\\n\\r\\n          | invalid content-length
            truncated chunks   | HTTP/1.1 200 OK\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n5\\r\\nab | truncated chunked body
            """)
    void brokenAnswersFailWithInvalidResponseAndAReason(String name, String answer, String reason) throws IOException {
        String bytes = answer == null ? "" : answer.replace("\\r\\n", "\r\n").replace("\\\"", "\"");
        try (ScriptedServer server = ScriptedServer.http(bytes)) {
            ProbeOutcome outcome = check(optionHttpchk(), server);

            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7RSP);
            assertThat(outcome.result().info()).startsWith(reason);
        }
    }

    @Test
    void oversizedBodyWithoutLengthFailsAsTooLarge() throws IOException {
        byte[] head = "HTTP/1.0 200 OK\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        byte[] big = new byte[70_000];
        java.util.Arrays.fill(big, (byte) 'x');
        try (ScriptedServer server = ScriptedServer.http(out -> {
            out.write(head);
            out.write(big);
        }, true)) {
            ProbeOutcome outcome = check(TestConfigs.httpchk("GET", "/", "HTTP/1.0"), server);

            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7RSP);
            assertThat(outcome.result().info()).startsWith("response too large");
        }
    }

    @Test
    void aFloodOfInterimAnswersFailsWithAReason() throws IOException {
        // Given a hostile server that sends nothing but interim (1xx) answers, just under the size cap
        String interims = "HTTP/1.1 100\r\n\r\n".repeat(5600);
        try (ScriptedServer server = ScriptedServer.http(interims)) {
            // When the check reads them Then it ends at once as an invalid response, with a reason
            ProbeOutcome outcome = check(optionHttpchk(), server);

            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7RSP);
            assertThat(outcome.result().info()).startsWith("no final answer");
        }
    }

    @Test
    void chunkedBodyIsDecoded() throws IOException {
        String answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\npong\r\n0\r\n\r\n";
        HttpCheck http = new HttpCheck("GET", "/", "HTTP/1.1", List.of(), Optional.empty(),
                Optional.of(new Expect(false, Expect.Kind.STRING, "pong")));
        try (ScriptedServer server = ScriptedServer.http(answer)) {
            assertThat(check(TestConfigs.http(http), server).result().status()).isEqualTo(CheckStatus.L7OK);
        }
    }

    @Test
    void silentServerTimesOutAfterTimeoutCheck() throws IOException {
        // Given a server that accepts and never answers, timeout check 200ms, inter 10s
        try (ScriptedServer server = ScriptedServer.silent()) {
            Probe probe = HARNESS.probe(optionHttpchk(), server.address(),
                    TestConfigs.timeouts(Duration.ofSeconds(1), Duration.ofMillis(200)), Duration.ofSeconds(10));

            // When the check runs Then it ends as a Layer7 timeout, bounded by timeout check
            ProbeOutcome outcome = ProbeHarness.run(probe);
            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7TOUT);
            assertThat(outcome.result().duration()).isBetween(Duration.ofMillis(150), Duration.ofSeconds(5));
        }
    }

    @Test
    void withoutTimeoutCheckInterBoundsTheWholeCheck() throws IOException {
        try (ScriptedServer server = ScriptedServer.silent()) {
            Probe probe = HARNESS.probe(optionHttpchk(), server.address(),
                    TestConfigs.timeouts(Duration.ofSeconds(4), null), Duration.ofMillis(300));

            ProbeOutcome outcome = ProbeHarness.run(probe);
            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7TOUT);
            assertThat(outcome.result().duration()).isBetween(Duration.ofMillis(250), Duration.ofSeconds(5));
        }
    }

    @Test
    void slowAnswerCutByTheTimeoutFails() throws IOException {
        // Given a server that sends half a status line and then stalls
        try (ScriptedServer server = ScriptedServer.http(out -> {
            out.write("HTTP/1.0 2".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            Thread.sleep(3000);
        }, true)) {
            Probe probe = HARNESS.probe(optionHttpchk(), server.address(),
                    TestConfigs.timeouts(null, Duration.ofMillis(200)), Duration.ofSeconds(5));

            assertThat(ProbeHarness.run(probe).result().status()).isEqualTo(CheckStatus.L7TOUT);
        }
    }

    @Test
    void refusedConnectionIsLayer4ConnectionProblem() throws IOException {
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), ScriptedServer.closedPort());

        ProbeOutcome outcome = ProbeHarness.run(HARNESS.probe(optionHttpchk(), nobody));

        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L4CON);
        assertThat(outcome.result().info()).isEqualTo("Connection refused");
    }

    @Test
    void tcpCheckPassesOnConnect() throws IOException {
        try (ScriptedServer server = ScriptedServer.silent()) {
            ProbeOutcome outcome = ProbeHarness.run(HARNESS.probe(HealthCheck.DEFAULT, server.address()));
            assertThat(outcome.result().status()).isEqualTo(CheckStatus.L4OK);
        }
    }

    @Test
    void tcpCheckRefusedIsLayer4ConnectionProblem() throws IOException {
        InetSocketAddress nobody = new InetSocketAddress(InetAddress.getLoopbackAddress(), ScriptedServer.closedPort());
        ProbeOutcome outcome = ProbeHarness.run(HARNESS.probe(HealthCheck.DEFAULT, nobody));
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L4CON);
    }

    @Test
    void unresolvedAddressFailsWithoutBlockingTheEventLoop() {
        InetSocketAddress unresolved = InetSocketAddress.createUnresolved("pg-unknown.invalid", 8008);
        ProbeOutcome outcome = ProbeHarness.run(HARNESS.probe(optionHttpchk(), unresolved));
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.SOCKERR);
    }
}
