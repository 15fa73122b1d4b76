package dev.pointsman.check;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A tiny bounded parser for the answer to a health check: not a full HTTP codec. It accepts what
 * Patroni sends ({@code HTTP/1.0 200 OK\r\n\r\n} then EOF; a single CRLF from Patroni before 2.0;
 * bodies ended by EOF without Content-Length) and rejects garbage with a reason instead of waiting.
 *
 * <p>Called again with the whole buffer each time bytes arrive (answers are small), and once more
 * with {@code eof = true} when the server closes.
 */
final class HttpAnswerParser {
    static final int MAX_HEAD = 16 * 1024;
    static final int MAX_BODY = 64 * 1024;

    private HttpAnswerParser() {}

    /** What the bytes received so far amount to. */
    sealed interface Parse permits NeedMore, Complete, Invalid {}

    record NeedMore() implements Parse {}

    record Complete(HttpAnswer answer) implements Parse {}

    /** The answer cannot pass: the reason becomes the check's info (L7RSP). */
    record Invalid(String reason) implements Parse {}

    private static final NeedMore NEED_MORE = new NeedMore();

    static Parse parse(byte[] buf, int len, boolean eof, boolean bodyless) {
        return parseAt(buf, 0, len, eof, bodyless);
    }

    private static Parse parseAt(byte[] buf, int start, int len, boolean eof, boolean bodyless) {
        if (len - start == 0) {
            return eof ? new Invalid("empty response") : NEED_MORE;
        }
        int lineEnd = indexOf(buf, start, len, (byte) '\n');
        if (lineEnd < 0) {
            if (len - start > MAX_HEAD) {
                return new Invalid("status line too long");
            }
            if (!eof) {
                return looksLikeStatusPrefix(buf, start, len) ? NEED_MORE
                        : new Invalid("invalid status line: \"" + printable(buf, start, len) + "\"");
            }
            lineEnd = len; // a status line cut by EOF: judged as it is
        }
        String statusLine = line(buf, start, lineEnd);
        Status status = parseStatusLine(statusLine);
        if (status == null) {
            return new Invalid("invalid status line: \"" + printable(buf, start, lineEnd) + "\"");
        }
        List<HttpAnswer.Header> headers = new ArrayList<>();
        int pos = Math.min(lineEnd + 1, len);
        boolean headEnded = false;
        while (pos < len) {
            int lineStart = pos;
            int end = indexOf(buf, pos, len, (byte) '\n');
            if (end < 0) {
                if (!eof) {
                    return pos - start > MAX_HEAD ? new Invalid("headers too large") : NEED_MORE;
                }
                end = len;
            }
            String text = line(buf, pos, end);
            pos = Math.min(end + 1, len);
            if (text.isEmpty()) {
                headEnded = true;
                break;
            }
            if ((text.charAt(0) == ' ' || text.charAt(0) == '\t') && !headers.isEmpty()) {
                HttpAnswer.Header last = headers.remove(headers.size() - 1);
                headers.add(new HttpAnswer.Header(last.name(), last.value() + " " + text.strip()));
                continue;
            }
            int colon = text.indexOf(':');
            if (colon <= 0 || !isToken(text.substring(0, colon))) {
                return new Invalid("invalid header line: \"" + printable(buf, lineStart, end) + "\"");
            }
            headers.add(new HttpAnswer.Header(text.substring(0, colon), text.substring(colon + 1).strip()));
        }
        if (pos - start > MAX_HEAD) {
            return new Invalid("headers too large");
        }
        if (!headEnded && !eof) {
            return NEED_MORE;
        }
        if (status.code >= 100 && status.code < 200 && headEnded) {
            return parseAt(buf, pos, len, eof, bodyless); // an interim answer: the real one follows
        }
        HttpAnswer.Header[] none = new HttpAnswer.Header[0];
        BodyParse body = (bodyless || status.code == 204 || status.code == 304 || !headEnded)
                ? new BodyParse(new byte[0], null)
                : body(buf, pos, len, eof, headers.toArray(none));
        if (body.error != null) {
            return body.error;
        }
        if (body.bytes == null) {
            return NEED_MORE;
        }
        return new Complete(new HttpAnswer(status.version, status.code, status.text, status.reason, headers, body.bytes));
    }

    private record Status(String version, int code, String text, String reason) {}

    private record BodyParse(byte[] bytes, Invalid error) {}

    private static final BodyParse MORE = new BodyParse(null, null);

    private static BodyParse body(byte[] buf, int pos, int len, boolean eof, HttpAnswer.Header[] headers) {
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
            return Chunked.decode(buf, pos, len, eof);
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

    static BodyParse tooLarge() {
        return fail("response too large (more than " + MAX_BODY + " bytes)");
    }

    static BodyParse fail(String reason) {
        return new BodyParse(null, new Invalid(reason));
    }

    static BodyParse done(byte[] body) {
        return new BodyParse(body, null);
    }

    static BodyParse more() {
        return MORE;
    }

    private static Status parseStatusLine(String line) {
        // HTTP/x.y SP 3DIGIT [SP reason]
        if (line.length() < 12 || !line.startsWith("HTTP/") || line.charAt(8) != ' ') {
            return null;
        }
        String version = line.substring(0, 8);
        if (!Character.isDigit(version.charAt(5)) || version.charAt(6) != '.' || !Character.isDigit(version.charAt(7))) {
            return null;
        }
        String code = line.substring(9, 12);
        for (int i = 0; i < 3; i++) {
            if (!Character.isDigit(code.charAt(i))) {
                return null;
            }
        }
        if (line.length() > 12 && line.charAt(12) != ' ') {
            return null;
        }
        String reason = line.length() > 13 ? line.substring(13).strip() : "";
        return new Status(version, Integer.parseInt(code), code, reason);
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

    static int indexOf(byte[] buf, int from, int to, byte b) {
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

    static byte[] copy(byte[] buf, int from, int n) {
        byte[] out = new byte[n];
        System.arraycopy(buf, from, out, 0, n);
        return out;
    }

    /** At most 40 bytes for a message, non-printable bytes as {@code <XX>} like HAProxy's logs. */
    static String printable(byte[] buf, int from, int to) {
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

    /** {@code Transfer-Encoding: chunked}, decoded with the same body cap. */
    private static final class Chunked {
        static BodyParse decode(byte[] buf, int pos, int len, boolean eof) {
            java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
            while (true) {
                int lineEnd = indexOf(buf, pos, len, (byte) '\n');
                if (lineEnd < 0) {
                    return eof ? fail("truncated chunked body") : more();
                }
                String sizeText = line(buf, pos, lineEnd);
                int semi = sizeText.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semi >= 0 ? sizeText.substring(0, semi) : sizeText).strip(), 16);
                } catch (NumberFormatException e) {
                    return fail("invalid chunk size");
                }
                if (size < 0 || out.size() + size > MAX_BODY) {
                    return size < 0 ? fail("invalid chunk size") : tooLarge();
                }
                pos = lineEnd + 1;
                if (size == 0) {
                    return done(out.toByteArray()); // trailers, if any, are ignored
                }
                if (len - pos < size + 2) {
                    return eof ? fail("truncated chunked body") : more();
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
    }
}
