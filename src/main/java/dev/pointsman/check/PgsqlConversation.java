package dev.pointsman.check;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code option pgsql-check user NAME}, as HAProxy's {@code proxy_parse_pgsql_check_opt}: a
 * protocol 3.0 StartupMessage carrying only {@code user}, that is
 * {@code int32 len=15+len(NAME) | int32 0x00030000 | "user\0" | NAME "\0" | "\0"}.
 *
 * <p>Verdicts: an ErrorResponse ('E') fails with L7RSP and the server's words as info
 * ({@code FATAL: no pg_hba.conf entry ...}); an AuthenticationRequest ('R') passes with L7OK
 * "PostgreSQL server is ok"; anything else is L7STS "PostgreSQL unknown error". One deliberate
 * difference: HAProxy 2.2+ only accepts the authentication codes 0, 2-6 in a message of 8-12
 * bytes, so a server asking for SCRAM (SASL, code 10: PostgreSQL 14+'s default) fails its check;
 * Pointsman accepts every AuthenticationRequest, which is what proves the server is up.
 */
final class PgsqlConversation implements Conversation {
    private static final int MAX = 8 * 1024;
    private final byte[] request;

    PgsqlConversation(String user) {
        this.request = startupMessage(user);
    }

    static byte[] startupMessage(String user) {
        byte[] name = user.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int len = 15 + name.length;
        out.write(len >>> 24);
        out.write(len >>> 16);
        out.write(len >>> 8);
        out.write(len);
        out.writeBytes(new byte[] {0, 3, 0, 0});
        out.writeBytes("user\0".getBytes(StandardCharsets.US_ASCII));
        out.writeBytes(name);
        out.write(0);
        out.write(0);
        return out.toByteArray();
    }

    @Override
    public byte[] request() {
        return request.clone();
    }

    @Override
    public ProbeOutcome evaluate(byte[] buf, int len, boolean eof, Duration elapsed) {
        if (len > 0 && buf[0] == 'E') {
            int total = len >= 5 ? 1 + readInt(buf, 1) : Integer.MAX_VALUE;
            if (len < total && !eof && len < MAX) {
                return null;
            }
            return ProbeOutcome.of(CheckResult.of(CheckStatus.L7RSP, errorText(buf, Math.min(len, total)), elapsed));
        }
        if (len > 0 && buf[0] == 'R' && len >= 9) {
            return ProbeOutcome.of(CheckResult.of(CheckStatus.L7OK, "PostgreSQL server is ok", elapsed));
        }
        if (len > 0 && buf[0] != 'R' || eof) {
            return len == 0 && eof
                    ? ProbeOutcome.of(CheckResult.of(CheckStatus.L7RSP, "empty response", elapsed))
                    : ProbeOutcome.of(CheckResult.of(CheckStatus.L7STS, "PostgreSQL unknown error", elapsed));
        }
        return null;
    }

    /** "SEVERITY: message" from the ErrorResponse fields (S/V severity, M message). */
    static String errorText(byte[] buf, int end) {
        String severity = null;
        String message = null;
        int pos = 5;
        while (pos < end && buf[pos] != 0) {
            byte type = buf[pos++];
            int stop = pos;
            while (stop < end && buf[stop] != 0) {
                stop++;
            }
            String value = new String(buf, pos, stop - pos, StandardCharsets.UTF_8);
            if (type == 'S' && severity == null || type == 'V') {
                severity = value;
            } else if (type == 'M') {
                message = value;
            }
            pos = stop + 1;
        }
        if (message == null) {
            return severity == null ? "PostgreSQL unknown error" : severity;
        }
        return severity == null ? message : severity + ": " + message;
    }

    private static int readInt(byte[] b, int at) {
        return (b[at] & 0xff) << 24 | (b[at + 1] & 0xff) << 16 | (b[at + 2] & 0xff) << 8 | (b[at + 3] & 0xff);
    }

    @Override
    public int maxBytes() {
        return MAX;
    }

    @Override
    public ProbeOutcome tooLarge(Duration elapsed) {
        return ProbeOutcome.of(CheckResult.of(CheckStatus.L7RSP, "response too large", elapsed));
    }
}
