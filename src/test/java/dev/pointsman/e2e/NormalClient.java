package dev.pointsman.e2e;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A client that keeps working through a port of the proxy while others misbehave (an idle one
 * would rightly be closed after {@code timeout client}): {@code SELECT 1} every 50 ms on a thread
 * of its own, for at most a minute; each query bounded by the JDBC socket timeout.
 */
final class NormalClient implements AutoCloseable {
    static final long PACE_MILLIS = 50;
    static final long LIFETIME_MINUTES = 1;

    private final Connection connection;
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final AtomicInteger queries = new AtomicInteger();
    private final Thread thread;
    private volatile boolean stop;

    NormalClient(int port) throws SQLException {
        connection = LocalCluster.connectProxy(port);
        thread = new Thread(this::run, "e2e-normal-client");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long end = System.nanoTime() + TimeUnit.MINUTES.toNanos(LIFETIME_MINUTES);
        while (!stop && System.nanoTime() < end) {
            queries.incrementAndGet();
            try {
                LocalCluster.queryString(connection, "SELECT 1");
            } catch (SQLException e) {
                failures.add(e.getSQLState() + " " + e.getMessage());
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(PACE_MILLIS)); // the pace of the load, not a wait
        }
    }

    int queries() {
        return queries.get();
    }

    /** The failed queries, SQLState and message each, in order. */
    List<String> failures() {
        return List.copyOf(failures);
    }

    @Override
    public void close() throws SQLException, InterruptedException {
        stop = true;
        thread.join(TimeUnit.SECONDS.toMillis(LocalCluster.JDBC_TIMEOUT.toSeconds() + 5));
        connection.close();
    }
}
