package dev.pointsman.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Splits the bytes of an HTTP/1.x answer into status and body: a status line, headers up to an
 * empty line (CRLF or bare LF), then a body ended by Content-Length or EOF. Not a full codec:
 * chunked bodies are refused (we ask in HTTP/1.0, so a server must not send them).
 */
final class AnswerParser {
    private AnswerParser() {}

    /** The result once the answer is complete, or null when more bytes are needed. */
    static HttpClient.Result parse(byte[] buf, int len, boolean eof) {
        if (buf == null) {
            return new HttpClient.Failure("closed");
        }
        int headEnd = headEnd(buf, len);
        if (headEnd < 0) {
            if (eof) {
                return new HttpClient.Failure(len == 0 ? "empty answer" : "truncated answer (no end of headers)");
            }
            return looksLikeHttp(buf, len) ? null : garbage(buf, len);
        }
        String head = new String(buf, 0, headEnd, StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r?\n");
        int status = status(lines[0]);
        if (status < 0) {
            return garbage(buf, len);
        }
        int bodyStart = headEnd + (buf[headEnd] == '\r' ? 4 : 2);
        long contentLength = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon <= 0) {
                continue;
            }
            String name = lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT);
            String value = lines[i].substring(colon + 1).trim();
            if (name.equals("content-length")) {
                try {
                    contentLength = Long.parseLong(value);
                } catch (NumberFormatException e) {
                    return new HttpClient.Failure("bad Content-Length '" + value + "'");
                }
            } else if (name.equals("transfer-encoding") && !value.equalsIgnoreCase("identity")) {
                return new HttpClient.Failure("unsupported Transfer-Encoding '" + value + "'");
            }
        }
        int have = Math.max(0, len - bodyStart);
        if (contentLength >= 0 && have >= contentLength) {
            return new HttpClient.Answer(status, Arrays.copyOfRange(buf, bodyStart, bodyStart + (int) contentLength));
        }
        if (!eof) {
            return null;
        }
        if (contentLength >= 0) {
            return new HttpClient.Failure("truncated answer (" + have + " of " + contentLength + " body bytes)");
        }
        return new HttpClient.Answer(status, Arrays.copyOfRange(buf, bodyStart, Math.max(bodyStart, len)));
    }

    /** Index of the first CR of CRLFCRLF, or of the first LF of LFLF; -1 when not there yet. */
    private static int headEnd(byte[] b, int len) {
        for (int i = 0; i + 1 < len; i++) {
            if (b[i] == '\n' && b[i + 1] == '\n') {
                return i;
            }
            if (i + 3 < len && b[i] == '\r' && b[i + 1] == '\n' && b[i + 2] == '\r' && b[i + 3] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private static int status(String line) {
        String[] parts = line.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/1.") || parts[1].length() != 3) {
            return -1;
        }
        try {
            int code = Integer.parseInt(parts[1]);
            return code >= 100 && code <= 599 ? code : -1;
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean looksLikeHttp(byte[] b, int len) {
        byte[] prefix = "HTTP/1.".getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < Math.min(len, prefix.length); i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static HttpClient.Failure garbage(byte[] b, int len) {
        String text = new String(b, 0, Math.min(len, 40), StandardCharsets.ISO_8859_1).replaceAll("[^\\x20-\\x7e]", ".");
        return new HttpClient.Failure("not an HTTP answer: \"" + text + "\"");
    }
}
