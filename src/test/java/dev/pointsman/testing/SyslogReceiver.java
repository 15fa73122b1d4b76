package dev.pointsman.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** A UDP syslog server on 127.0.0.1:0 for tests: each datagram received becomes one line of {@link #lines}. */
public final class SyslogReceiver implements AutoCloseable {
    /** What arrived, in order, one datagram per element. */
    public final List<String> lines = new CopyOnWriteArrayList<>();
    private final DatagramSocket socket;
    private final Thread receiver;

    public SyslogReceiver() throws IOException {
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        socket.setSoTimeout(100);
        receiver = new Thread(() -> {
            byte[] buf = new byte[65536];
            while (!socket.isClosed()) {
                DatagramPacket p = new DatagramPacket(buf, buf.length);
                try {
                    socket.receive(p);
                    lines.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
                } catch (SocketTimeoutException e) {
                    // poll again
                } catch (IOException e) {
                    return;
                }
            }
        }, "syslog-receiver");
        receiver.start();
    }

    public int port() {
        return socket.getLocalPort();
    }

    @Override
    public void close() throws InterruptedException {
        socket.close();
        receiver.join(1000);
    }
}
