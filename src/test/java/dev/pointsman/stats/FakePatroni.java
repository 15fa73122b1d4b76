package dev.pointsman.stats;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/** A Patroni REST API stand-in on 127.0.0.1:0: every request gets the current status and JSON body. */
final class FakePatroni implements AutoCloseable {
    private final HttpServer server;
    private volatile int status;
    private volatile String body;

    private FakePatroni(int status, String body) throws IOException {
        this.status = status;
        this.body = body;
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
        server.createContext("/", ex -> {
            byte[] b = this.body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "application/json");
            ex.sendResponseHeaders(this.status, b.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(b);
            }
        });
        server.start();
    }

    static FakePatroni primary(long location) throws IOException {
        return new FakePatroni(200, "{\"state\":\"running\",\"role\":\"primary\",\"timeline\":3,"
                + "\"xlog\":{\"location\":" + location + "},\"patroni\":{\"version\":\"4.0.4\",\"scope\":\"demo\"}}");
    }

    static FakePatroni replica(long replayed) throws IOException {
        return new FakePatroni(503, "{\"state\":\"running\",\"role\":\"replica\",\"timeline\":3,\"pending_restart\":true,"
                + "\"xlog\":{\"received_location\":" + replayed + ",\"replayed_location\":" + replayed + "}}");
    }

    void answer(int status, String body) {
        this.body = body;
        this.status = status;
    }

    int port() {
        return server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
