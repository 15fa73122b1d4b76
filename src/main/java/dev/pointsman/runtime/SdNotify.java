package dev.pointsman.runtime;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.unix.Socket;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's readiness protocol ({@code sd_notify(3)}, {@code Type=notify}): one datagram per
 * message to the unix socket named by {@code NOTIFY_SOCKET}, a path or, with a leading {@code @},
 * a name in the abstract namespace. Java's {@code DatagramChannel} has no unix domain sockets (JEP
 * 380 gave them to stream channels only), so the datagram goes through Netty's native unix socket,
 * whose library the epoll transport loads anyway; without it (not Linux) systemd is not told.
 *
 * <p>What is sent when: {@code READY=1} once every listener is bound ({@link Pointsman#start}; not
 * after the first checks: clients arriving before a primary is known wait in the queue, and a
 * Pointsman whose database cluster is down must still start); {@code RELOADING=1} with
 * {@code MONOTONIC_USEC} when a reload begins and {@code READY=1} when it ended ({@link #reloading},
 * {@link #ready}); {@code STOPPING=1} when a soft stop begins; {@code STATUS=} beside each.
 *
 * <p>No mutable state: each message opens, uses and closes its own socket, from any thread. Without
 * {@code NOTIFY_SOCKET} every call does nothing; a failed send is logged (once) and never fatal.
 */
public final class SdNotify {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");
    private static final SdNotify NONE = new SdNotify(null);
    private static volatile SdNotify system;

    /** The socket's address as bytes ({@code @name} → a leading NUL); null when systemd is not listening. */
    private final byte[] address;
    private volatile boolean warned;

    private SdNotify(byte[] address) {
        this.address = address;
    }

    /** The process's notifier, from {@code NOTIFY_SOCKET}; does nothing when that is unset. */
    public static SdNotify system() {
        SdNotify s = system;
        if (s == null) {
            s = of(Optional.ofNullable(System.getenv("NOTIFY_SOCKET")));
            system = s;
        }
        return s;
    }

    /** A notifier for {@code socket} as {@code NOTIFY_SOCKET} would name it; empty or blank → one that does nothing. */
    static SdNotify of(Optional<String> socket) {
        if (socket.isEmpty() || socket.get().isBlank()) {
            return NONE;
        }
        String s = socket.get();
        byte[] address = s.startsWith("@") ? ("\0" + s.substring(1)).getBytes(StandardCharsets.UTF_8)
                : s.getBytes(StandardCharsets.UTF_8);
        return new SdNotify(address);
    }

    /** Whether systemd asked to be told. */
    public boolean enabled() {
        return address != null;
    }

    /** The service is ready (after start, or after a reload) and says what it runs. */
    public boolean ready(String status) {
        return send("READY=1\nSTATUS=" + oneLine(status));
    }

    /** A reload begins: systemd shows the unit as reloading until the next {@link #ready}. */
    public boolean reloading() {
        return send("RELOADING=1\nSTATUS=Reloading the configuration\nMONOTONIC_USEC="
                + TimeUnit.NANOSECONDS.toMicros(System.nanoTime()));
    }

    /** A soft stop begins. */
    public boolean stopping(String status) {
        return send("STOPPING=1\nSTATUS=" + oneLine(status));
    }

    /** A free-form status line ({@code systemctl status} shows it). */
    public boolean status(String status) {
        return send("STATUS=" + oneLine(status));
    }

    private static String oneLine(String s) {
        return s.replace('\n', ' ');
    }

    /** Sends one datagram; true when it went. */
    boolean send(String message) {
        if (address == null) {
            return false;
        }
        if (!Epoll.isAvailable()) {
            warnOnce("the native epoll library is not available (" + Epoll.unavailabilityCause() + ")");
            return false;
        }
        byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocateDirect(bytes.length).put(bytes).flip();
        Socket socket = null;
        try {
            socket = Socket.newSocketDomainDgram();
            int sent = socket.sendToDomainSocket(buf, 0, bytes.length, address);
            if (sent != bytes.length) {
                warnOnce("sent " + sent + " of " + bytes.length + " bytes");
                return false;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            warnOnce(e.toString());
            return false;
        } finally {
            if (socket != null) {
                try {
                    socket.close();
                } catch (IOException ignored) {
                    // nothing was left to flush on a datagram socket
                }
            }
        }
    }

    private void warnOnce(String why) {
        if (!warned) {
            warned = true;
            LOG.warn("NOTIFY_SOCKET is set but systemd could not be told: {}", why);
        }
    }
}
