package dev.pointsman.check;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.net.HttpAnswerParser;
import java.net.InetSocketAddress;
import java.time.Duration;

/** {@code option httpchk}: the request of {@link HttpCheckRequest}, judged by {@link HttpJudge}. */
final class HttpConversation implements Conversation {
    private final byte[] request;
    private final HttpAnswerParser.Framing framing;
    private final HttpJudge judge;

    HttpConversation(HealthCheck check, InetSocketAddress target) {
        this.request = HttpCheckRequest.encode(check.http(), target);
        // a head cut by EOF is judged as it is: Patroni before 2.0 ended its bare status line with one CRLF
        this.framing = new HttpAnswerParser.Framing(HttpCheckRequest.expectsNoBody(check.http()), true);
        this.judge = new HttpJudge(check.http(), check.patroni());
    }

    @Override
    public byte[] request() {
        return request;
    }

    @Override
    public ProbeOutcome evaluate(byte[] buf, int len, boolean eof, Duration elapsed) {
        HttpAnswerParser.Parse parse = HttpAnswerParser.parse(buf, len, eof, framing);
        if (parse instanceof HttpAnswerParser.Complete c) {
            return judge.judge(c.answer(), elapsed);
        }
        if (parse instanceof HttpAnswerParser.Invalid i) {
            return ProbeOutcome.of(CheckResult.of(CheckStatus.L7RSP, i.reason(), elapsed));
        }
        return null;
    }

    @Override
    public int maxBytes() {
        return HttpAnswerParser.MAX_HEAD + HttpAnswerParser.MAX_BODY + 8 * 1024;
    }

    @Override
    public ProbeOutcome tooLarge(Duration elapsed) {
        return ProbeOutcome.of(CheckResult.of(CheckStatus.L7RSP,
                "response too large (more than " + HttpAnswerParser.MAX_BODY + " bytes)", elapsed));
    }
}
