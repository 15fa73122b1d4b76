package dev.pointsman.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A Patroni REST API on 127.0.0.1, port 0 (a {@link TestServer}), answering as Patroni's
 * BaseHTTPRequestHandler does (HTTP/1.0, the connection closed after the answer). What it answers:
 * <ul>
 * <li>a path given its own answer ({@link #json}, {@link #raw}, {@link #hang}) gets it;
 * <li>any other path gets the answer for every path: none at first (the request hangs until the
 * client gives up), a {@link Role}'s bare status lines as Patroni answers the health checks'
 * OPTIONS/HEAD ({@link #FakePatroni(Role)}, {@link #role}), or one JSON answer
 * ({@link #everyPath}).
 * </ul>
 * Counts requests per path and the most connections open at once.
 */
public final class FakePatroni implements AutoCloseable {
    /** 200 on {@code /} when primary, 200 on a path containing "replica" when replica, 503 otherwise. */
    public enum Role { PRIMARY, REPLICA, STOPPED }

    /** The answer that is none: the request hangs until the client gives up. */
    private static final byte[] HANG = new byte[0];

    private final TestServer server;
    private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
    private volatile Function<String, byte[]> everyPath = path -> null;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger maxConnections = new AtomicInteger();

    /** Hangs on every path until told what to answer. */
    public FakePatroni() throws IOException {
        server = TestServer.start(this::serve);
    }

    /** Answers the health checks as Patroni in {@code role}. */
    public FakePatroni(Role role) throws IOException {
        this();
        role(role);
    }

    public int port() {
        return server.address().getPort();
    }

    /** Every path without its own answer: a bare status line (no headers, then EOF) for {@code role}. */
    public FakePatroni role(Role role) {
        everyPath = path -> {
            boolean ok = switch (role) {
                case PRIMARY -> !path.contains("replica");
                case REPLICA -> path.contains("replica");
                case STOPPED -> false;
            };
            return bytes(ok ? "HTTP/1.0 200 OK\r\n\r\n" : "HTTP/1.0 503 Service Unavailable\r\n\r\n");
        };
        return this;
    }

    /** Every path without its own answer: {@code status} with a JSON body. */
    public FakePatroni everyPath(int status, String body) {
        byte[] answer = jsonAnswer(status, body);
        everyPath = path -> answer;
        return this;
    }

    /** A 200 JSON answer on {@code path}, as Patroni 3.0 sends it (no Content-Length, then EOF). */
    public FakePatroni json(String path, String body) {
        return raw(path, jsonAnswer(200, body));
    }

    public FakePatroni raw(String path, byte[] bytes) {
        answers.put(path, bytes);
        return this;
    }

    /** Requests for {@code path} hang until the client gives up. */
    public FakePatroni hang(String path) {
        answers.put(path, HANG);
        return this;
    }

    public long count(String path) {
        return requests.stream().filter(path::equals).count();
    }

    public int maxConnections() {
        return maxConnections.get();
    }

    private static byte[] jsonAnswer(int status, String body) {
        String reason = switch (status) {
            case 200 -> "OK";
            case 503 -> "Service Unavailable";
            default -> "Status " + status;
        };
        return ("HTTP/1.0 " + status + " " + reason + "\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\n"
                + "Date: Thu, 26 Nov 2026 22:28:11 GMT\r\nContent-Type: application/json\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    private void serve(Socket s) throws IOException {
        maxConnections.accumulateAndGet(connections.incrementAndGet(), Math::max);
        try {
            String[] words = requestLine(s.getInputStream()).split(" ");
            String path = words.length > 1 ? words[1] : "";
            requests.add(path);
            byte[] answer = answers.get(path);
            if (answer == null) {
                answer = everyPath.apply(path);
            }
            if (answer == null || answer == HANG) {
                s.getInputStream().read(); // until the client gives up
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write(answer);
            out.flush();
        } finally {
            connections.decrementAndGet();
        }
    }

    /** Reads the request head; returns its first line. */
    private static String requestLine(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0; // of CR LF CR LF
        int b;
        while (matched < 4 && (b = in.read()) >= 0) {
            head.write(b);
            matched = b == "\r\n\r\n".charAt(matched) ? matched + 1 : b == '\r' ? 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int nl = text.indexOf("\r\n");
        return nl < 0 ? text : text.substring(0, nl);
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closed already
        }
    }
}
