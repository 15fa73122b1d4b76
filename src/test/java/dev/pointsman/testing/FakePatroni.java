package dev.pointsman.testing;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A Patroni REST API as the health checks see it: answers OPTIONS/HEAD with a bare status line
 * (no headers, then EOF), 200 on {@code /} when primary, 200 on a path containing "replica" when
 * replica, 503 otherwise — exactly Patroni's behaviour for the reference config's checks.
 */
public final class FakePatroni implements AutoCloseable {
    public enum Role { PRIMARY, REPLICA, STOPPED }

    private final ServerSocket socket;
    private volatile Role role;

    public FakePatroni(Role role) throws IOException {
        this.role = role;
        this.socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::acceptLoop, "fake-patroni");
        t.setDaemon(true);
        t.start();
    }

    public void role(Role r) {
        role = r;
    }

    public int port() {
        return socket.getLocalPort();
    }

    private void acceptLoop() {
        while (!socket.isClosed()) {
            try (Socket s = socket.accept()) {
                s.setSoTimeout(2000);
                String request = readRequest(s.getInputStream());
                String path = request.split(" ").length > 1 ? request.split(" ")[1] : "/";
                boolean ok = switch (role) {
                    case PRIMARY -> !path.contains("replica");
                    case REPLICA -> path.contains("replica");
                    case STOPPED -> false;
                };
                String answer = ok ? "HTTP/1.0 200 OK\r\n\r\n" : "HTTP/1.0 503 Service Unavailable\r\n\r\n";
                s.getOutputStream().write(answer.getBytes(StandardCharsets.US_ASCII));
            } catch (IOException e) {
                // next connection
            }
        }
    }

    private static String readRequest(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0) {
            sb.append((char) c);
            if (sb.length() >= 4 && sb.substring(sb.length() - 4).equals("\r\n\r\n")) {
                break;
            }
        }
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
