package dev.pointsman.net;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

/**
 * A parsed HTTP answer: status line, headers (possibly none: Patroni's HEAD/OPTIONS answer is a
 * bare status line) and a body of at most {@link HttpAnswerParser#MAX_BODY} bytes.
 *
 * @param statusText the status code as sent (three digits), matched by {@code rstatus}
 */
public record HttpAnswer(String version, int status, String statusText, String reason, List<Header> headers,
                         byte[] body) {
    public HttpAnswer {
        headers = List.copyOf(headers);
    }

    public record Header(String name, String value) {}

    /** The first header of that name (any case). */
    public Optional<String> header(String name) {
        return headers.stream().filter(h -> h.name().equalsIgnoreCase(name)).map(Header::value).findFirst();
    }

    public boolean hasBody() {
        return body.length > 0;
    }

    /** The body as bytes-in-chars (ISO-8859-1), for byte-exact string and regex matching. */
    public String bodyLatin1() {
        return new String(body, StandardCharsets.ISO_8859_1);
    }
}
