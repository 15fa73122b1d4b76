package dev.pointsman.e2e;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;

/**
 * Bursts of PostgreSQL clients that connect and leave at once, and the probe that tells whether a
 * proxy port serves again afterwards: a new connection whose SSLRequest gets PostgreSQL's
 * one-byte answer ('N' or 'S') within a second.
 */
final class Bursts {
    static final byte[] SSL_REQUEST = {0, 0, 0, 8, 4, (byte) 0xd2, 0x16, 0x2f};
    static final Duration CONNECT_BOUND = Duration.ofMillis(200);

    private Bursts() {}

    /**
     * {@code clients} non-blocking connects to {@code port} at once (those not connected within
     * {@link #CONNECT_BOUND} are given up); each connected one sends an SSLRequest; then all close
     * at once, every other one with a reset. Returns how many connected.
     */
    static int burst(int port, int clients) throws IOException {
        List<SocketChannel> connected = new ArrayList<>();
        List<SocketChannel> all = new ArrayList<>();
        InetSocketAddress target = new InetSocketAddress(LocalCluster.PROXY_HOST, port);
        try (Selector selector = Selector.open()) {
            for (int i = 0; i < clients; i++) {
                SocketChannel ch = SocketChannel.open();
                all.add(ch);
                ch.configureBlocking(false);
                if (ch.connect(target)) {
                    connected.add(ch);
                } else {
                    ch.register(selector, SelectionKey.OP_CONNECT);
                }
            }
            long deadline = System.nanoTime() + CONNECT_BOUND.toNanos();
            while (!selector.keys().isEmpty() && System.nanoTime() < deadline) {
                selector.select(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
                for (SelectionKey key : selector.selectedKeys()) {
                    SocketChannel ch = (SocketChannel) key.channel();
                    key.cancel();
                    try {
                        if (ch.finishConnect()) {
                            connected.add(ch);
                        }
                    } catch (IOException e) {
                        // refused or reset: not connected
                    }
                }
                selector.selectedKeys().clear();
                selector.selectNow(); // flushes the cancelled keys
            }
        }
        for (SocketChannel ch : connected) {
            try {
                ch.write(ByteBuffer.wrap(SSL_REQUEST));
            } catch (IOException e) {
                // closed by the proxy already
            }
        }
        for (int i = 0; i < all.size(); i++) {
            SocketChannel ch = all.get(i);
            try {
                if (i % 2 == 0 && ch.isConnected()) {
                    ch.setOption(StandardSocketOptions.SO_LINGER, 0); // closing sends a reset
                }
            } catch (IOException e) {
                // closing is all that is left
            }
            ch.close();
        }
        return connected.size();
    }

    /** Seconds until {@link #served} through {@code port}, or -1 after {@code bound}; probes every 200 ms. */
    static double secondsUntilServed(int port, Duration bound) {
        long t0 = System.nanoTime();
        try {
            Awaitility.await().atMost(bound).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(200))
                    .until(() -> served(port));
            return (System.nanoTime() - t0) / 1e9;
        } catch (ConditionTimeoutException e) {
            return -1;
        }
    }

    /** A new connection through {@code port} gets PostgreSQL's answer to an SSLRequest within a second. */
    static boolean served(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LocalCluster.PROXY_HOST, port), 1000);
            s.setSoTimeout(1000);
            s.getOutputStream().write(SSL_REQUEST);
            return s.getInputStream().read() >= 0;
        } catch (IOException e) {
            return false;
        }
    }
}
