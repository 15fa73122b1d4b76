package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class HttpAnswerParserTest {
    private static HttpAnswerParser.Parse parse(String s, boolean eof) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        return HttpAnswerParser.parse(b, b.length, eof, false);
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
        byte[] b = "HTTP/1.0 200 OK\r\nContent-Length: 99\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        assertThat(HttpAnswerParser.parse(b, b.length, false, true)).isInstanceOf(HttpAnswerParser.Complete.class);
    }
}
