package dev.pointsman.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;

/**
 * The standby port's counterpart of {@link WriteProbe}: every {@link #INTERVAL} a NEW connection
 * through 5001 asks which server answered, whether it is in recovery, and the highest id of the
 * write probe's run it can see (how far behind it is). Attempts are sequential, each bounded by
 * {@link LocalCluster#JDBC_TIMEOUT}, the probe by {@link #MAX_RUN}.
 */
final class ReadProbe implements AutoCloseable {
    static final Duration INTERVAL = Duration.ofMillis(50);
    static final Duration MAX_RUN = Duration.ofMinutes(6);

    /** One read: ok when {@code server} is set. */
    record Read(long startNanos, long endNanos, String server, boolean inRecovery, int seenId, String error) {
        boolean ok() {
            return server != null;
        }
    }

    private final String run;
    private final List<Read> reads = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;

    private ReadProbe(String run) {
        this.run = run;
        this.thread = new Thread(this::loop, "read-probe");
        thread.setDaemon(true);
    }

    /** Starts reading through 5001 the rows of the write probe's {@code run}. */
    static ReadProbe start(String run) {
        ReadProbe probe = new ReadProbe(run);
        probe.thread.start();
        return probe;
    }

    List<Read> stop() {
        stopping = true;
        try {
            thread.join(LocalCluster.JDBC_TIMEOUT.multipliedBy(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return List.copyOf(reads);
    }

    @Override
    public void close() {
        stop();
    }

    private void loop() {
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        long next = System.nanoTime();
        while (!stopping && System.nanoTime() < deadline) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long start = System.nanoTime();
            next = start + INTERVAL.toNanos();
            reads.add(read(start));
        }
    }

    private Read read(long start) {
        try (Connection c = LocalCluster.connectProxy(LocalCluster.STANDBY_PORT);
                PreparedStatement ps = c.prepareStatement("SELECT host(inet_server_addr()), pg_is_in_recovery(),"
                        + " coalesce((SELECT max(id) FROM " + WriteProbe.TABLE + " WHERE run = ? AND id < "
                        + LongSessions.ID_BASE + "), 0)")) {
            ps.setString(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Read(start, System.nanoTime(), rs.getString(1), rs.getBoolean(2), rs.getInt(3), null);
            }
        } catch (SQLException e) {
            return new Read(start, System.nanoTime(), null, false, 0,
                    e.getSQLState() + " " + String.valueOf(e.getMessage()).lines().findFirst().orElse(""));
        } catch (RuntimeException e) {
            return new Read(start, System.nanoTime(), null, false, 0, e.toString());
        }
    }
}
