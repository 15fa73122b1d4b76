package dev.pointsman.cluster;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Patroni REST API on 127.0.0.1, port 0, answering scripted raw bytes per path, as Patroni's
 * BaseHTTPRequestHandler does (HTTP/1.0, close after the answer). A path without a script hangs.
 * Counts requests per path and the most connections open at once.
 */
final class FakePatroni implements AutoCloseable {
    private final ServerSocket socket;
    private final Map<String, byte[]> answers = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger maxConnections = new AtomicInteger();

    FakePatroni() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fake-patroni-" + socket.getLocalPort());
        t.setDaemon(true);
        t.start();
    }

    int port() {
        return socket.getLocalPort();
    }

    /** A JSON answer as Patroni 3.0 sends it. */
    FakePatroni json(String path, String body) {
        return raw(path, ("HTTP/1.0 200 OK\r\nServer: BaseHTTP/0.6 Python/3.11.2\r\n"
                + "Date: Thu, 26 Nov 2026 22:28:11 GMT\r\nContent-Type: application/json\r\n\r\n" + body)
                .getBytes(StandardCharsets.UTF_8));
    }

    FakePatroni raw(String path, byte[] bytes) {
        answers.put(path, bytes);
        return this;
    }

    FakePatroni hang(String path) {
        answers.remove(path);
        return this;
    }

    long count(String path) {
        return requests.stream().filter(path::equals).count();
    }

    int maxConnections() {
        return maxConnections.get();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try {
                Socket s = socket.accept();
                open.add(s);
                maxConnections.accumulateAndGet(connections.incrementAndGet(), Math::max);
                Thread t = new Thread(() -> serve(s), "fake-patroni-conn");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            String line = requestLine(s.getInputStream());
            String path = line.split(" ").length > 1 ? line.split(" ")[1] : "";
            requests.add(path);
            byte[] answer = answers.get(path);
            if (answer == null) {
                s.getInputStream().read(); // hang until the client gives up
                return;
            }
            OutputStream out = s.getOutputStream();
            out.write(answer);
            out.flush();
        } catch (IOException e) {
            // the client went away
        } finally {
            connections.decrementAndGet();
        }
    }

    private static String requestLine(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            head.write(b);
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        int nl = text.indexOf("\r\n");
        return nl < 0 ? text : text.substring(0, nl);
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closed already
            }
        }
    }
}
