package dev.pointsman.log;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;

/** Syslog over UDP, one datagram per line, truncated to HAProxy's default 1024 bytes. */
final class UdpSender implements LogSender {
    static final int MAX_LENGTH = 1024;

    private final InetSocketAddress target;
    private final DatagramChannel channel;

    UdpSender(String host, int port) throws IOException {
        this.target = new InetSocketAddress(host, port);
        this.channel = DatagramChannel.open();
    }

    @Override
    public void send(String line) throws IOException {
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        channel.send(ByteBuffer.wrap(bytes, 0, Math.min(bytes.length, MAX_LENGTH)), target);
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
