package dev.pointsman.backend;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;

/**
 * A loopback port that refuses connections for as long as this is open: a socket bound to port 0
 * that never listens. Unlike closing a listener to free its port, nothing else can take the port
 * meanwhile.
 */
final class RefusingPort implements AutoCloseable {
    private final SocketChannel socket;

    RefusingPort() throws IOException {
        socket = SocketChannel.open();
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) socket.getLocalAddress();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
