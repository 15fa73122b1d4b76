package dev.pointsman.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A blocking TCP server on 127.0.0.1:0 for tests, one thread per connection, with a behaviour:
 * echo, digest (reads to EOF, answers "sha256 bytes"), or silent (accepts and waits).
 */
public final class TestServer implements AutoCloseable {
    public interface Behaviour {
        void serve(Socket s) throws IOException;
    }

    private final ServerSocket socket;
    private final Thread acceptor;
    private final List<Socket> open = new CopyOnWriteArrayList<>();
    public final AtomicInteger accepted = new AtomicInteger();

    private TestServer(Behaviour behaviour) throws IOException {
        socket = new ServerSocket(0, 1024, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            while (!socket.isClosed()) {
                try {
                    Socket s = socket.accept();
                    accepted.incrementAndGet();
                    open.add(s);
                    Thread t = new Thread(() -> {
                        try (s) {
                            behaviour.serve(s);
                        } catch (IOException ignored) {
                            // peer went away
                        } finally {
                            open.remove(s);
                        }
                    }, "test-server-conn");
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        }, "test-server-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static TestServer start(Behaviour behaviour) throws IOException {
        return new TestServer(behaviour);
    }

    /** Echoes every byte; answers the client's FIN with its own after echoing everything. */
    public static TestServer echo() throws IOException {
        return start(s -> {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
            }
            s.shutdownOutput();
        });
    }

    /** Reads until the client's FIN, then answers "hex-sha256 byte-count\n" and closes. */
    public static TestServer digest() throws IOException {
        return start(s -> {
            MessageDigest md = sha256();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[65536];
            long total = 0;
            int n;
            while ((n = in.read(buf)) > 0) {
                md.update(buf, 0, n);
                total += n;
            }
            s.getOutputStream().write((HexFormat.of().formatHex(md.digest()) + " " + total + "\n")
                    .getBytes(StandardCharsets.US_ASCII));
            s.shutdownOutput();
        });
    }

    /** Accepts and holds the connection open until the peer closes it. */
    public static TestServer silent() throws IOException {
        return start(s -> {
            while (s.getInputStream().read() >= 0) {
                // discard
            }
        });
    }

    public static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    public int openConnections() {
        return open.size();
    }

    @Override
    public void close() throws IOException {
        socket.close();
        for (Socket s : open) {
            s.close();
        }
    }

    /** An address on loopback where nothing listens (connections are refused). */
    public static InetSocketAddress refusingAddress() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return new InetSocketAddress(InetAddress.getLoopbackAddress(), s.getLocalPort());
        }
    }
}
