package dev.pointsman.backend;

import dev.pointsman.log.TcpLogRecord;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * The times of one session and its tcplog record: accepted, granted a slot (Tw), connected (Tc),
 * ended (Tt), and the connection counts as HAProxy logs them, including the ending session.
 *
 * <p>Owner: the session's event loop.
 */
final class SessionLog {
    private final long acceptNanos;
    private final long acceptEpochMillis;
    private long grantedNanos = -1;
    private long connectedNanos = -1;

    SessionLog(long acceptNanos, long acceptEpochMillis) {
        this.acceptNanos = acceptNanos;
        this.acceptEpochMillis = acceptEpochMillis;
    }

    /** When the client was accepted, on the backend's clock. */
    long acceptNanos() {
        return acceptNanos;
    }

    void granted(long nowNanos) {
        grantedNanos = nowNanos;
    }

    void connected(long nowNanos) {
        connectedNanos = nowNanos;
    }

    /** When the session last reached a server; -1 before. */
    long connectedNanos() {
        return connectedNanos;
    }

    /** HAProxy's two letters: who ended the session ({@code -} normal) and at which phase. */
    static String termination(char who, char phase) {
        return who == '-' ? "--" : "" + who + phase;
    }

    /**
     * The record of a session ending now, counted before its slot is given back (HAProxy logs the
     * connection counts including the ending session); the times go to the server's and backend's
     * averages when it reached a server.
     */
    TcpLogRecord record(InetSocketAddress clientAddress, SessionPolicy policy, Backend backend, Server server,
                        SessionOrigin origin, long toClient, long fromClient, String termination, int retries) {
        long now = backend.now();
        TcpLogRecord record = new TcpLogRecord(
                clientAddress,
                acceptEpochMillis,
                policy.frontend(),
                backend.name(),
                server == null ? "<NOSRV>" : server.name(),
                grantedNanos < 0 ? -1 : millis(grantedNanos - acceptNanos),
                connectedNanos < 0 ? -1 : millis(connectedNanos - grantedNanos),
                millis(now - acceptNanos),
                toClient,
                fromClient,
                termination,
                origin.actconn(),
                origin.feconn(),
                backend.sessions(),
                server == null ? 0 : server.sessions(),
                retries,
                0,
                backend.queued());
        if (server != null && connectedNanos >= 0) {
            long q = record.queueMillis();
            long c = record.connectMillis();
            server.counters.times.record(q, c, record.totalMillis());
            backend.counters.times.record(q, c, record.totalMillis());
        }
        return record;
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
