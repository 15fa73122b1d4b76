package dev.pointsman.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class HttpAnswerParserTest {
    private static final HttpAnswerParser.Framing CHECK = new HttpAnswerParser.Framing(false, true);
    private static final HttpAnswerParser.Framing GET = new HttpAnswerParser.Framing(false, false);

    private static HttpAnswerParser.Parse parse(String s, boolean eof) {
        return parse(s, eof, CHECK);
    }

    private static HttpAnswerParser.Parse parse(String s, boolean eof, HttpAnswerParser.Framing framing) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return HttpAnswerParser.parse(b, b.length, eof, framing);
    }

    @Test
    void partialAnswersWaitForMoreBytes() {
        assertThat(parse("HTTP/1.", false)).isInstanceOf(HttpAnswerParser.NeedMore.class);
        assertThat(parse("HTTP/1.0 200 OK\r\n", false)).isInstanceOf(HttpAnswerParser.NeedMore.class);
        assertThat(parse("HTTP/1.0 200 OK\r\nContent-Length: 4\r\n\r\nab", false))
                .isInstanceOf(HttpAnswerParser.NeedMore.class);
    }

    @Test
    void contentLengthCompletesWithoutWaitingForEof() {
        HttpAnswerParser.Parse p = parse("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok", false);
        assertThat(p).isInstanceOfSatisfying(HttpAnswerParser.Complete.class, c -> {
            assertThat(c.answer().status()).isEqualTo(200);
            assertThat(c.answer().bodyLatin1()).isEqualTo("ok");
            assertThat(c.answer().header("content-length")).hasValue("2");
        });
    }

    @Test
    void garbageIsRejectedBeforeEof() {
        assertThat(parse("220 smtp ready\r\n", false)).isInstanceOf(HttpAnswerParser.Invalid.class);
        assertThat(parse("\u0000\u0001", false)).isInstanceOf(HttpAnswerParser.Invalid.class);
    }

    @Test
    void statusLineWithoutReasonIsAccepted() {
        assertThat(parse("HTTP/1.0 204\r\n\r\n", true)).isInstanceOfSatisfying(HttpAnswerParser.Complete.class,
                c -> assertThat(c.answer().reason()).isEmpty());
    }

    @Test
    void headAnswerHasNoBodyEvenWithContentLength() {
        assertThat(parse("HTTP/1.0 200 OK\r\nContent-Length: 99\r\n\r\n", false, new HttpAnswerParser.Framing(true, true)))
                .isInstanceOf(HttpAnswerParser.Complete.class);
    }

    @Test
    void headCutByEofIsJudgedAsItIsForAChecksAnswer() {
        // Patroni before 2.0 ended its bare status line with a single CRLF
        assertThat(parse("HTTP/1.0 200 OK\r\n", true)).isInstanceOfSatisfying(HttpAnswerParser.Complete.class,
                c -> assertThat(c.answer().status()).isEqualTo(200));
    }

    @Test
    void headCutByEofIsATruncatedAnswerWhenTheAskerWantsAWholeHead() {
        // a GET to the REST API: "200 and no JSON" would read as "not Patroni", so a cut head must fail
        for (String cut : new String[] {"HTTP/1.0 200 OK\r\n", "HTTP/1.0 200 OK\r\nContent-Ty", "HTTP/1.0 20",
                "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n"}) {
            assertThat(parse(cut, false, GET)).as(cut).isInstanceOf(HttpAnswerParser.NeedMore.class);
            assertThat(parse(cut, true, GET)).as(cut)
                    .isEqualTo(new HttpAnswerParser.Invalid("truncated headers (no empty line before EOF)"));
        }
        assertThat(parse("SSH-2.0-OpenSSH_9.2", true, GET)).isInstanceOfSatisfying(HttpAnswerParser.Invalid.class,
                i -> assertThat(i.reason()).startsWith("invalid status line"));
    }

    @Test
    void interimAnswersAreSkippedForTheFinalOne() {
        assertThat(parse("HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 102\r\n\r\nHTTP/1.1 200 OK\r\n\r\nok", true))
                .isInstanceOfSatisfying(HttpAnswerParser.Complete.class, c -> {
                    assertThat(c.answer().status()).isEqualTo(200);
                    assertThat(c.answer().bodyLatin1()).isEqualTo("ok");
                });
        assertThat(parse("HTTP/1.1 100 Continue\r\n\r\n", false)).isInstanceOf(HttpAnswerParser.NeedMore.class);
    }

    @Test
    void interimAnswersWithoutAFinalOneFailWithAReasonOnAShallowStack() throws Exception {
        // Given as many minimal interim answers as a check buffers (the event loop's stack is small)
        byte[] flood = "HTTP/1.1 100\r\n\r\n".repeat(5600).getBytes(StandardCharsets.ISO_8859_1);
        AtomicReference<Object> result = new AtomicReference<>();
        Thread small = new Thread(null, () -> {
            try {
                result.set(HttpAnswerParser.parse(flood, flood.length, true, CHECK));
            } catch (Throwable t) {
                result.set(t);
            }
        }, "small-stack", 256 * 1024);
        small.start();
        small.join(10_000);

        assertThat(result.get()).isEqualTo(new HttpAnswerParser.Invalid("no final answer after interim (1xx) answers"));
    }

    @Test
    void mangledAnswersNeverThrowAndAlwaysEndAtEof() {
        // Given valid answers of every kind the parser takes, cut and mangled at random (seeded, bounded)
        String[] seeds = {
            "HTTP/1.0 200 OK\r\n\r\n",
            "HTTP/1.0 503 Service Unavailable\r\nContent-Type: application/json\r\n\r\n{\"role\":\"replica\"}",
            "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n4\r\npong\r\n0\r\n\r\n",
            "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204\r\nX: a\r\n b\r\n\r\n",
        };
        byte[] noise = "\r\n: -;0fF9HTTP/ \t\u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1);
        Random random = new Random(42);
        HttpAnswerParser.Framing[] framings = {CHECK, GET, new HttpAnswerParser.Framing(true, true)};
        for (int round = 0; round < 3000; round++) {
            byte[] b = seeds[random.nextInt(seeds.length)].getBytes(StandardCharsets.ISO_8859_1);
            int len = random.nextInt(b.length + 1);
            for (int m = random.nextInt(4); m > 0 && len > 0; m--) {
                b[random.nextInt(len)] = noise[random.nextInt(noise.length)];
            }
            for (HttpAnswerParser.Framing framing : framings) {
                // When it is parsed before and at EOF Then it never throws, and at EOF it always decides
                HttpAnswerParser.parse(b, len, false, framing);
                HttpAnswerParser.Parse atEof = HttpAnswerParser.parse(b, len, true, framing);
                assertThat(atEof).as("%s", new String(b, 0, len, StandardCharsets.ISO_8859_1))
                        .isNotInstanceOf(HttpAnswerParser.NeedMore.class);
                if (atEof instanceof HttpAnswerParser.Invalid invalid) {
                    assertThat(invalid.reason()).isNotBlank();
                }
            }
        }
    }
}
