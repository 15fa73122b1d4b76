package dev.pointsman.log;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/**
 * Syslog over UDP, one datagram per line, truncated to the target's {@code len} (HAProxy's default
 * 1024 bytes). The socket is non-blocking and thread-safe: lines are sent by whoever logs them, as
 * HAProxy's threads do; a line the socket cannot take at once is dropped.
 */
final class UdpSender implements LogSender {
    private final InetSocketAddress target;
    private final DatagramChannel channel;

    UdpSender(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.channel = DatagramChannel.open();
        this.channel.configureBlocking(false);
    }

    @Override
    public boolean send(String line, int maxLength) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        return channel.send(ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, maxLength)), target) > 0;
    }

    @Override
    public boolean direct() {
        return true;
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    @Override
    public String toString() {
        return "udp " + target;
    }
}
