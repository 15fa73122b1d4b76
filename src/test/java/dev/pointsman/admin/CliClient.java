package dev.pointsman.admin;

import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A client of the runtime API as socat is one: writes lines, and a reader thread collects what
 * comes back until the server closes. Every wait is bounded.
 */
final class CliClient implements AutoCloseable {
    static final Duration BOUND = Duration.ofSeconds(5);

    private final SocketChannel channel;
    private final ByteArrayOutputStream received = new ByteArrayOutputStream();
    private volatile boolean ended;
    private final Thread reader;

    private CliClient(SocketChannel channel) {
        this.channel = channel;
        this.reader = new Thread(this::readAll, "cli-client");
        reader.setDaemon(true);
        reader.start();
    }

    static CliClient connect(Object address) throws IOException {
        SocketChannel ch;
        if (address instanceof Path p) {
            ch = SocketChannel.open(StandardProtocolFamily.UNIX);
            ch.connect(UnixDomainSocketAddress.of(p));
        } else {
            ch = SocketChannel.open((SocketAddress) address);
        }
        return new CliClient(ch);
    }

    /** One connection, {@code text} sent, everything until the server closes it. */
    static String exchange(Object address, String text) throws IOException {
        try (CliClient c = connect(address)) {
            c.send(text);
            return c.untilClosed();
        }
    }

    private void readAll() {
        ByteBuffer buf = ByteBuffer.allocate(8192);
        try {
            while (channel.read(buf) >= 0) {
                synchronized (received) {
                    received.write(buf.array(), 0, buf.position());
                }
                buf.clear();
            }
        } catch (IOException closed) {
            // the test closed it, or the server reset it
        }
        ended = true;
    }

    CliClient send(String text) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) {
            channel.write(b);
        }
        return this;
    }

    /** Half-closes, as socat does at the end of its input. */
    void endInput() throws IOException {
        channel.shutdownOutput();
    }

    String received() {
        synchronized (received) {
            return received.toString(StandardCharsets.UTF_8);
        }
    }

    boolean closedByServer() {
        return ended;
    }

    /** What was received once it ends with {@code suffix}. */
    String until(String suffix) {
        await().atMost(BOUND).until(() -> received().endsWith(suffix));
        return received();
    }

    /** Everything received once the server has closed. */
    String untilClosed() {
        await().atMost(BOUND).until(() -> ended);
        return received();
    }

    @Override
    public void close() throws IOException {
        channel.close();
        try {
            reader.join(BOUND.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
