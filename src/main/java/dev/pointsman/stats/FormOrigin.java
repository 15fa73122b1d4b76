package dev.pointsman.stats;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether a POST that acts (the page's server actions, acknowledging alerts) comes from the page
 * itself and not from another site's form: a browser sends a cross-site form POST with the
 * operator's basic-auth credentials, so credentials alone do not show intent. HAProxy 2.6 has no
 * such check; Pointsman refuses a POST
 * <ul>
 *   <li>whose {@code Sec-Fetch-Site} is {@code cross-site} or {@code same-site} (the browser says
 *       it did not come from this origin);
 *   <li>whose {@code Origin} or {@code Referer} names another host or port than {@code Host} (an
 *       opaque {@code Origin: null} included);
 *   <li>for the server actions only, whose {@code Content-Type} is not
 *       {@code application/x-www-form-urlencoded} (what the page's form sends).
 * </ul>
 * A client that sends none of these headers (curl, scripts) is not refused. Pure.
 */
final class FormOrigin {
    static final String FORM = "application/x-www-form-urlencoded";

    private FormOrigin() {}

    /** Why the POST is refused, when it is; {@code form} when the body must be the page's form. */
    static Optional<String> refusal(HttpHeaders headers, boolean form) {
        String site = headers.get("Sec-Fetch-Site");
        if (site != null) {
            String s = site.trim().toLowerCase(Locale.ROOT);
            if (s.equals("cross-site") || s.equals("same-site")) {
                return Optional.of("Sec-Fetch-Site is " + s);
            }
        }
        String host = headers.get(HttpHeaderNames.HOST);
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (origin != null && !sameHost(origin, host)) {
            return Optional.of("its Origin is not the Host");
        }
        String referer = headers.get(HttpHeaderNames.REFERER);
        if (referer != null && !sameHost(referer, host)) {
            return Optional.of("its Referer is not the Host");
        }
        if (form) {
            String type = headers.get(HttpHeaderNames.CONTENT_TYPE);
            String media = type == null ? "" : type.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (!media.equals(FORM)) {
                return Optional.of("its Content-Type is not " + FORM);
            }
        }
        return Optional.empty();
    }

    /** Whether the URL's host and port are those of the {@code Host} header (default ports by scheme). */
    static boolean sameHost(String url, String hostHeader) {
        if (hostHeader == null || hostHeader.isBlank()) {
            return false;
        }
        URI u;
        try {
            u = new URI(url.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        if (u.getHost() == null || u.getScheme() == null) {
            return false; // "null", a relative or malformed URL: not provably this host
        }
        int defaultPort = u.getScheme().equalsIgnoreCase("https") ? 443 : 80;
        int urlPort = u.getPort() < 0 ? defaultPort : u.getPort();
        URI h;
        try {
            h = new URI("http://" + hostHeader.trim());
        } catch (URISyntaxException e) {
            return false;
        }
        if (h.getHost() == null) {
            return false;
        }
        int hostPort = h.getPort() < 0 ? defaultPort : h.getPort();
        return h.getHost().equalsIgnoreCase(u.getHost()) && hostPort == urlPort;
    }
}
