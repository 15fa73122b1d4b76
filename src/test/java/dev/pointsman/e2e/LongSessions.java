package dev.pointsman.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * Long sessions through one of the proxy's ports, opened before a fault: each asks its server
 * every {@link #INTERVAL}, on the primary port by INSERTing a numbered row of the probe's run (ids
 * from {@code 1_000_000 × (k+1)}, so that a split brain shows as rows acknowledged then lost), on
 * the standby port by a SELECT. A session ends at its first error: that is when it was cut.
 *
 * <p>The client's own read timeout is {@link #READ_TIMEOUT}, longer than any fault, so that a cut
 * is the proxy's or the server's doing, not the client giving up. Each session's thread alone
 * writes its record.
 */
final class LongSessions implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(100);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(120);
    static final Duration MAX_RUN = Duration.ofMinutes(6);
    static final int ID_BASE = 1_000_000;

    /** One answer: when the query ended and the id written (0 for a read). */
    record Answer(long nanos, int id) {}

    /** One session: the server it reached, its answers, and when and how it ended (cutNanos 0: still open). */
    static final class Session {
        final int index;
        volatile String server;
        final List<Answer> answers = new CopyOnWriteArrayList<>();
        volatile long cutNanos;
        volatile String error;

        Session(int index) {
            this.index = index;
        }

        /** Answers that ended after {@code nanos}. */
        long answersAfter(long nanos) {
            return answers.stream().filter(a -> a.nanos() > nanos).count();
        }

        long lastAnswerNanos() {
            return answers.isEmpty() ? 0 : answers.get(answers.size() - 1).nanos();
        }
    }

    private final String run;
    private final boolean write;
    private final List<Session> sessions = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean stopping;

    private LongSessions(String run, boolean write) {
        this.run = run;
        this.write = write;
    }

    /**
     * Opens {@code n} sessions through {@code port} (writing on the primary port, reading
     * otherwise) and returns once each has answered once or failed.
     */
    static LongSessions open(int port, int n, String run) throws SQLException {
        LongSessions all = new LongSessions(run, port == LocalCluster.PRIMARY_PORT);
        for (int k = 0; k < n; k++) {
            Session s = new Session(k);
            Connection c = LocalCluster.connect(LocalCluster.PROXY_HOST, port, READ_TIMEOUT);
            s.server = LocalCluster.serverAddress(c);
            all.sessions.add(s);
            Thread t = new Thread(() -> all.loop(s, c), "long-session-" + k);
            t.setDaemon(true);
            all.threads.add(t);
        }
        all.threads.forEach(Thread::start);
        return all;
    }

    boolean writes() {
        return write;
    }

    List<Session> sessions() {
        return sessions;
    }

    /** The ids the sessions wrote and got acknowledged, with the server of each. */
    Map<Integer, String> acknowledged() {
        Map<Integer, String> acks = new TreeMap<>();
        for (Session s : sessions) {
            s.answers.stream().filter(a -> a.id() > 0).forEach(a -> acks.put(a.id(), s.server));
        }
        return acks;
    }

    @Override
    public void close() {
        stopping = true;
        for (Thread t : threads) {
            try {
                t.join(READ_TIMEOUT.plusSeconds(5).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void loop(Session s, Connection c) {
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        String sql = write
                ? "INSERT INTO " + WriteProbe.TABLE + " (run, id, server) VALUES (?, ?, inet_server_addr())"
                        + " RETURNING host(inet_server_addr())"
                : "SELECT host(inet_server_addr())";
        try (c) {
            for (int i = 1; !stopping && System.nanoTime() < deadline; i++) {
                int id = write ? ID_BASE * (s.index + 1) + i : 0;
                try (PreparedStatement ps = c.prepareStatement(sql)) {
                    if (write) {
                        ps.setString(1, run);
                        ps.setInt(2, id);
                    }
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                    }
                    s.answers.add(new Answer(System.nanoTime(), id));
                } catch (SQLException e) {
                    s.cutNanos = System.nanoTime();
                    s.error = e.getSQLState() + " " + String.valueOf(e.getMessage()).lines().findFirst().orElse("");
                    return;
                }
                LockSupport.parkNanos(INTERVAL.toNanos());
            }
        } catch (SQLException e) {
            // closing a cut connection
        }
    }
}
