package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pointsman.config.HealthCheck.Expect;
import dev.pointsman.config.HealthCheck.HttpCheck;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HttpExpectTest {
    private static final ProbeHarness HARNESS = new ProbeHarness();

    @AfterAll
    static void shutdown() {
        HARNESS.close();
    }

    private static ProbeOutcome check(Optional<Expect> expect, String answer) throws IOException {
        HttpCheck http = new HttpCheck("GET", "/health", "HTTP/1.0", List.of(), Optional.empty(), expect);
        try (ScriptedServer server = ScriptedServer.http(answer)) {
            return ProbeHarness.run(HARNESS.probe(TestConfigs.http(http), server.address()));
        }
    }

    private static String answer(int status, String reason, String body) {
        return "HTTP/1.0 " + status + " " + reason + "\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @ParameterizedTest(name = "no expect, {0} -> {1}")
    @CsvSource(textBlock = """
            200, L7OK
            204, L7OK
            301, L7OK
            399, L7OK
            404, L7STS
            503, L7STS
            """)
    void withoutExpect2xxAnd3xxPass(int status, CheckStatus expected) throws IOException {
        assertThat(check(Optional.empty(), answer(status, "Reason", "")).result().status()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "expect {0}{1} {2} on {3} -> {5}")
    @CsvSource(delimiter = '|', textBlock = """
            '' | STATUS  | 200                | 200 | ''            | L7OK
            '' | STATUS  | 200                | 302 | ''            | L7STS
            '' | STATUS  | 200,300-399        | 302 | ''            | L7OK
            '' | STATUS  | 200, 300-399       | 404 | ''            | L7STS
            '' | STATUS  | 200-299            | 299 | ''            | L7OK
            !  | STATUS  | 503                | 503 | ''            | L7STS
            !  | STATUS  | 503                | 200 | ''            | L7OK
            !  | STATUS  | 500-599            | 404 | ''            | L7OK
            '' | RSTATUS | ^2                 | 204 | ''            | L7OK
            '' | RSTATUS | ^2                 | 503 | ''            | L7STS
            !  | RSTATUS | ^5                 | 503 | ''            | L7STS
            '' | STRING  | running            | 200 | state=running | L7OK
            '' | STRING  | running            | 200 | state=stopped | L7RSP
            !  | STRING  | stopped            | 200 | state=stopped | L7RSP
            !  | STRING  | stopped            | 200 | state=running | L7OK
            '' | RSTRING | "role": ?"primary" | 200 | {"role": "primary"} | L7OK
            '' | RSTRING | "role": ?"primary" | 200 | {"role": "replica"} | L7RSP
            !  | RSTRING | replica            | 200 | {"role": "replica"} | L7RSP
            """)
    void everyExpectFormMatchesLikeHaproxy(String bang, Expect.Kind kind, String pattern, int status, String body,
                                           CheckStatus expected) throws IOException {
        // Given http-check expect [!] KIND PATTERN; When the server answers; Then HAProxy's verdict
        Expect expect = new Expect("!".equals(bang), kind, pattern);
        ProbeOutcome outcome = check(Optional.of(expect), answer(status, "Reason", body == null ? "" : body));
        assertThat(outcome.result().status()).isEqualTo(expected);
        assertThat(outcome.result().code()).hasValue(status);
    }

    @Test
    void interimAnswerIsSkippedForTheFinalOne() throws IOException {
        ProbeOutcome outcome = check(Optional.empty(), "HTTP/1.1 100 Continue\r\n\r\n" + answer(200, "OK", ""));
        assertThat(outcome.result().status()).isEqualTo(CheckStatus.L7OK);
        assertThat(outcome.result().code()).hasValue(200);
    }

    @Test
    void wrongStatusCarriesTheReasonPhrase() throws IOException {
        ProbeOutcome outcome = check(Optional.of(new Expect(false, Expect.Kind.STATUS, "200")),
                answer(503, "Service Unavailable", ""));
        assertThat(outcome.result().info()).isEqualTo("Service Unavailable");
    }

    @Test
    void contentMismatchAndMissingBodyAreWordedLikeHaproxy() throws IOException {
        Optional<Expect> string = Optional.of(new Expect(false, Expect.Kind.STRING, "ok"));
        assertThat(check(string, answer(200, "OK", "nope")).result().info())
                .isEqualTo("HTTP content check did not match");
        assertThat(check(string, "HTTP/1.0 200 OK\r\n\r\n").result().info())
                .isEqualTo("HTTP content check could not find a response body");
        Optional<Expect> negated = Optional.of(new Expect(true, Expect.Kind.STRING, "nope"));
        assertThat(check(negated, answer(200, "OK", "nope")).result().info())
                .isEqualTo("HTTP check matched unwanted content");
    }

    @Test
    void badStatusPatternIsRejectedWhenTheProbeIsBuilt() {
        HttpCheck http = new HttpCheck("GET", "/", "HTTP/1.0", List.of(), Optional.empty(),
                Optional.of(new Expect(false, Expect.Kind.STATUS, "2xx")));
        assertThatThrownBy(() -> HARNESS.probe(TestConfigs.http(http),
                new java.net.InetSocketAddress("127.0.0.1", 1)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'2xx' (expected: a code or a range such as 200-399)");
    }
}
