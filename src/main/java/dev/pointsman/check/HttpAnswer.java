package dev.pointsman.check;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A parsed HTTP answer to a check: status line, headers (possibly none: Patroni's HEAD/OPTIONS
 * answer is a bare status line) and a body of at most {@link HttpAnswerParser#MAX_BODY} bytes.
 *
 * @param statusText the status code as sent (three digits), matched by {@code rstatus}
 */
record HttpAnswer(String version, int status, String statusText, String reason, List<Header> headers, byte[] body) {
    HttpAnswer {
        headers = List.copyOf(headers);
    }

    record Header(String name, String value) {}

    Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    boolean hasBody() {
        return body.length > 0;
    }

    /** The body as bytes-in-chars (ISO-8859-1), for byte-exact string and regex matching. */
    String bodyLatin1() {
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    boolean looksLikeJson() {
        String type = header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            return true;
        }
        for (byte b : body) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{';
        }
        return false;
    }
}
