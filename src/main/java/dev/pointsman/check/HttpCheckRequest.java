package dev.pointsman.check;

import dev.pointsman.config.HealthCheck;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Set;

/**
 * The exact bytes of an {@code option httpchk} request, as HAProxy 2.6 puts them on the wire.
 *
 * <p>HAProxy builds the request in its internal HTX form ({@code tcpcheck_eval_send}): the request
 * line, the {@code http-check send hdr} headers in order, {@code Connection: close} unless a
 * Connection header was given, and a content length; its HTTP/1 multiplexer then serialises it.
 * The rules below reproduce what reaches the server:
 * <ol>
 *   <li>{@code <METHOD> <URI> <VERSION>\r\n}; defaults {@code OPTIONS / HTTP/1.0}.</li>
 *   <li>Header names are written in lower case, as HAProxy's HTTP/1 output does (HTX stores
 *       names lower-cased); values as given.</li>
 *   <li>HTTP/1.0: no {@code connection} header, close being the default (the capture of
 *       {@code option httpchk} on HAProxy 2.6 is exactly {@code OPTIONS / HTTP/1.0\r\n\r\n}).
 *       HTTP/1.1 and later: {@code connection: close} unless a Connection header was given.</li>
 *   <li>HTTP/1.1 and later without a Host header: {@code host: <check address>} is added
 *       (a deliberate difference: HAProxy leaves it to the user, and HTTP/1.1 servers other than
 *       Patroni answer 400 without it). HTTP/1.0 never gets one.</li>
 *   <li>{@code content-length: N} when there is a body; {@code content-length: 0} without a
 *       body only for methods other than OPTIONS, GET, HEAD and DELETE.</li>
 *   <li>An empty line, then the body.</li>
 * </ol>
 */
final class HttpCheckRequest {
    private static final Set<String> NO_LENGTH_METHODS = Set.of("OPTIONS", "GET", "HEAD", "DELETE");

    private HttpCheckRequest() {}

    static byte[] encode(HealthCheck.HttpCheck http, InetSocketAddress target) {
        StringBuilder sb = new StringBuilder(64);
        sb.append(http.method()).append(' ').append(http.uri()).append(' ').append(http.version()).append("\r\n");
        boolean connection = false;
        boolean host = false;
        for (HealthCheck.Header h : http.headers()) {
            String name = h.name().toLowerCase(Locale.ROOT);
            connection |= name.equals("connection");
            host |= name.equals("host");
            sb.append(name).append(": ").append(h.value()).append("\r\n");
        }
        boolean http11 = atLeastHttp11(http.version());
        if (http11 && !host) {
            sb.append("host: ").append(hostHeader(target)).append("\r\n");
        }
        if (http11 && !connection) {
            sb.append("connection: close\r\n");
        }
        byte[] body = http.body().map(b -> b.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
        if (body.length > 0) {
            sb.append("content-length: ").append(body.length).append("\r\n");
        } else if (!NO_LENGTH_METHODS.contains(http.method().toUpperCase(Locale.ROOT))) {
            sb.append("content-length: 0\r\n");
        }
        sb.append("\r\n");
        byte[] head = sb.toString().getBytes(StandardCharsets.UTF_8);
        byte[] all = new byte[head.length + body.length];
        System.arraycopy(head, 0, all, 0, head.length);
        System.arraycopy(body, 0, all, head.length, body.length);
        return all;
    }

    /** HTTP/1.1, HTTP/2... as HAProxy tests it: a version above 1.0. */
    static boolean atLeastHttp11(String version) {
        String v = version.toUpperCase(Locale.ROOT);
        if (!v.startsWith("HTTP/") || v.length() < 6) {
            return false;
        }
        char major = v.charAt(5);
        if (major > '1') {
            return true;
        }
        return major == '1' && v.length() >= 8 && v.charAt(7) >= '1';
    }

    private static String hostHeader(InetSocketAddress target) {
        String host = target.getHostString();
        if (host.indexOf(':') >= 0) {
            host = "[" + host + "]";
        }
        return target.getPort() == 80 ? host : host + ":" + target.getPort();
    }

    static boolean expectsNoBody(HealthCheck.HttpCheck http) {
        return http.method().equalsIgnoreCase("HEAD");
    }
}
