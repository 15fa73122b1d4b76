package dev.pointsman.net;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tiny bounded parser for an HTTP/1.x answer, not a full codec: the health checks and the
 * cluster view's REST calls both read their answers with it. It accepts what Patroni sends
 * ({@code HTTP/1.0 200 OK\r\n\r\n} then EOF; a single CRLF from Patroni before 2.0; bodies ended by
 * EOF without Content-Length), skips interim (1xx) answers, decodes chunked bodies, and rejects
 * garbage with a reason instead of waiting. It never throws on any bytes.
 *
 * <p>Called again with the whole buffer each time bytes arrive (answers are small), and once more
 * with {@code eof = true} when the server closes.
 */
public final class HttpAnswerParser {
    public static final int MAX_HEAD = 16 * 1024;
    public static final int MAX_BODY = 64 * 1024;

    private HttpAnswerParser() {}

    /** What the bytes received so far amount to. */
    public sealed interface Parse permits NeedMore, Complete, Invalid {}

    public record NeedMore() implements Parse {}

    public record Complete(HttpAnswer answer) implements Parse {}

    /** The answer cannot be used: the reason says why (a check's info, a cluster poll's problem). */
    public record Invalid(String reason) implements Parse {}

    /**
     * How an answer may end, which depends on what was asked.
     *
     * @param noBody          the request was HEAD (or an OPTIONS treated alike): no body, whatever
     *                        the headers say
     * @param headMayEndAtEof a head that EOF cuts before its empty line is taken as it is (health
     *                        checks: Patroni before 2.0 ended its bare status line with one CRLF);
     *                        otherwise it is a truncated answer
     */
    public record Framing(boolean noBody, boolean headMayEndAtEof) {}

    private static final NeedMore NEED_MORE = new NeedMore();

    public static Parse parse(byte[] buf, int len, boolean eof, Framing framing) {
        int start = 0;
        while (true) { // a loop, not recursion: a server may send thousands of interim answers
            if (len - start == 0) {
                if (!eof) {
                    return NEED_MORE;
                }
                return new Invalid(start == 0 ? "empty response" : "no final answer after interim (1xx) answers");
            }
            Step step = head(buf, start, len, eof, framing);
            if (step instanceof Done done) {
                return done.parse();
            }
            Head head = (Head) step;
            if (head.status().code() >= 100 && head.status().code() < 200 && head.ended()) {
                start = head.bodyStart(); // an interim answer: the real one follows
                continue;
            }
            return answer(buf, len, eof, framing, head);
        }
    }

    private record Status(String version, int code, String text, String reason) {}

    private sealed interface Step permits Head, Done {}

    /** A status line and headers; {@code ended} when the empty line that ends them came. */
    private record Head(Status status, List<HttpAnswer.Header> headers, int bodyStart, boolean ended)
            implements Step {}

    private record Done(Parse parse) implements Step {}

    private static Done invalid(String reason) {
        return new Done(new Invalid(reason));
    }

    private static Step head(byte[] buf, int start, int len, boolean eof, Framing framing) {
        int lineEnd = indexOf(buf, start, len, (byte) '\n');
        if (lineEnd < 0) {
            if (len - start > MAX_HEAD) {
                return invalid("status line too long");
            }
            boolean statusLike = looksLikeStatusPrefix(buf, start, len);
            if (!eof) {
                return statusLike ? new Done(NEED_MORE)
                        : invalid("invalid status line: \"" + printable(buf, start, len) + "\"");
            }
            if (statusLike && !framing.headMayEndAtEof()) {
                return truncatedHead();
            }
            lineEnd = len; // a status line cut by EOF: judged as it is
        }
        Status status = parseStatusLine(line(buf, start, lineEnd));
        if (status == null) {
            return invalid("invalid status line: \"" + printable(buf, start, lineEnd) + "\"");
        }
        List<HttpAnswer.Header> headers = new ArrayList<>();
        int pos = Math.min(lineEnd + 1, len);
        boolean ended = false;
        while (pos < len) {
            int lineStart = pos;
            int end = indexOf(buf, pos, len, (byte) '\n');
            if (end < 0) {
                if (!eof) {
                    return pos - start > MAX_HEAD ? invalid("headers too large") : new Done(NEED_MORE);
                }
                if (!framing.headMayEndAtEof()) {
                    return truncatedHead();
                }
                end = len;
            }
            String text = line(buf, pos, end);
            pos = Math.min(end + 1, len);
            if (text.isEmpty()) {
                ended = true;
                break;
            }
            if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && !headers.isEmpty()) {
                HttpAnswer.Header last = headers.remove(headers.size() - 1);
                headers.add(new HttpAnswer.Header(last.name(), last.value() + " " + text.strip()));
                continue;
            }
            int colon = text.indexOf(':');
            if (colon <= 0 || !isToken(text.substring(0, colon))) {
                return invalid("invalid header line: \"" + printable(buf, lineStart, end) + "\"");
            }
            headers.add(new HttpAnswer.Header(text.substring(0, colon), text.substring(colon + 1).strip()));
        }
        if (pos - start > MAX_HEAD) {
            return invalid("headers too large");
        }
        if (!ended && !eof) {
            return new Done(NEED_MORE);
        }
        if (!ended && !framing.headMayEndAtEof()) {
            return truncatedHead();
        }
        return new Head(status, headers, pos, ended);
    }

    private static Done truncatedHead() {
        return invalid("truncated headers (no empty line before EOF)");
    }

    private static Parse answer(byte[] buf, int len, boolean eof, Framing framing, Head head) {
        int code = head.status().code();
        BodyParse body = framing.noBody() || code == 204 || code == 304 || !head.ended()
                ? new BodyParse(new byte[0], null)
                : body(buf, head.bodyStart(), len, eof, head.headers());
        if (body.error != null) {
            return body.error;
        }
        if (body.bytes == null) {
            return NEED_MORE;
        }
        Status s = head.status();
        return new Complete(new HttpAnswer(s.version(), s.code(), s.text(), s.reason(), head.headers(), body.bytes));
    }

    private record BodyParse(byte[] bytes, Invalid error) {}

    private static final BodyParse MORE = new BodyParse(null, null);

    private static BodyParse body(byte[] buf, int pos, int len, boolean eof, List<HttpAnswer.Header> headers) {
        String te = null;
        String cl = null;
        for (HttpAnswer.Header h : headers) {
            if (h.name().equalsIgnoreCase("transfer-encoding")) {
                te = h.value();
            } else if (h.name().equalsIgnoreCase("content-length")) {
                if (cl != null && !cl.equals(h.value())) {
                    return fail("conflicting content-length headers");
                }
                cl = h.value();
            }
        }
        int available = len - pos;
        if (te != null && te.toLowerCase(Locale.ROOT).contains("chunked")) {
            return chunked(buf, pos, len, eof);
        }
        if (cl != null) {
            long n;
            try {
                n = Long.parseLong(cl.strip());
            } catch (NumberFormatException e) {
                return fail("invalid content-length: \"" + cl + "\"");
            }
            if (n < 0) {
                return fail("invalid content-length: \"" + cl + "\"");
            }
            if (n > MAX_BODY) {
                return tooLarge();
            }
            if (available >= n) {
                return new BodyParse(copy(buf, pos, (int) n), null);
            }
            return eof ? fail("truncated body: got " + available + " of " + n + " bytes") : MORE;
        }
        if (available > MAX_BODY) {
            return tooLarge();
        }
        return eof ? new BodyParse(copy(buf, pos, available), null) : MORE;
    }

    /** {@code Transfer-Encoding: chunked}, decoded with the same body cap; trailers are ignored. */
    private static BodyParse chunked(byte[] buf, int pos, int len, boolean eof) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
            int lineEnd = indexOf(buf, pos, len, (byte) '\n');
            if (lineEnd < 0) {
                return eof ? fail("truncated chunked body") : MORE;
            }
            String sizeText = line(buf, pos, lineEnd);
            int semi = sizeText.indexOf(';');
            long size;
            try {
                size = Long.parseLong((semi >= 0 ? sizeText.substring(0, semi) : sizeText).strip(), 16);
            } catch (NumberFormatException e) {
                return fail("invalid chunk size");
            }
            if (size < 0) {
                return fail("invalid chunk size");
            }
            if (out.size() + size > MAX_BODY) {
                return tooLarge();
            }
            pos = lineEnd + 1;
            if (size == 0) {
                return new BodyParse(out.toByteArray(), null);
            }
            if (len - pos < size + 2) {
                return eof ? fail("truncated chunked body") : MORE;
            }
            out.write(buf, pos, (int) size);
            pos += (int) size;
            if (buf[pos] == '\r') {
                pos++;
            }
            if (buf[pos] != '\n') {
                return fail("invalid chunk terminator");
            }
            pos++;
        }
    }

    private static BodyParse tooLarge() {
        return fail("response too large (more than " + MAX_BODY + " bytes)");
    }

    private static BodyParse fail(String reason) {
        return new BodyParse(null, new Invalid(reason));
    }

    private static Status parseStatusLine(String line) {
        // HTTP/x.y SP 3DIGIT [SP reason]
        if (line.length() < 12 || !line.startsWith("HTTP/") || line.charAt(8) != ' ') {
            return null;
        }
        String version = line.substring(0, 8);
        if (!isDigit(version.charAt(5)) || version.charAt(6) != '.' || !isDigit(version.charAt(7))) {
            return null;
        }
        String code = line.substring(9, 12);
        for (int i = 0; i < 3; i++) {
            if (!isDigit(code.charAt(i))) {
                return null;
            }
        }
        if (line.length() > 12 && line.charAt(12) != ' ') {
            return null;
        }
        String reason = line.length() > 13 ? line.substring(13).strip() : "";
        return new Status(version, Integer.parseInt(code), code, reason);
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    private static boolean looksLikeStatusPrefix(byte[] buf, int start, int len) {
        byte[] prefix = "HTTP/".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.min(prefix.length, len - start); i++) {
            if (buf[start + i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static boolean isToken(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?={}".indexOf(c) >= 0) {
                return false;
            }
        }
        return true;
    }

    private static int indexOf(byte[] buf, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (buf[i] == b) {
                return i;
            }
        }
        return -1;
    }

    /** The line [from, end) without its CR, as ISO-8859-1 text. */
    private static String line(byte[] buf, int from, int end) {
        int e = end > from && buf[end - 1] == '\r' ? end - 1 : end;
        return new String(buf, from, e - from, StandardCharsets.ISO_8859_1);
    }

    private static byte[] copy(byte[] buf, int from, int n) {
        byte[] out = new byte[n];
        System.arraycopy(buf, from, out, 0, n);
        return out;
    }

    /** At most 40 bytes for a message, non-printable bytes as {@code <XX>} like HAProxy's logs. */
    private static String printable(byte[] buf, int from, int to) {
        StringBuilder sb = new StringBuilder();
        for (int i = Math.max(0, from); i < to && i < from + 40; i++) {
            int c = buf[i] & 0xff;
            if (c >= 0x20 && c < 0x7f && c != '"') {
                sb.append((char) c);
            } else {
                sb.append(String.format("<%02X>", c));
            }
        }
        return sb.toString();
    }
}
