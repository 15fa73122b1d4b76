package dev.pointsman.e2e;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.locks.LockSupport;
import org.awaitility.Awaitility;

/**
 * A client that, every {@link #INTERVAL}, opens a NEW connection through the proxy's primary port
 * and INSERTs a numbered row, recording each attempt: when it started and ended, which server
 * acknowledged it ({@code INSERT ... RETURNING inet_server_addr()}) or the error and SQLState.
 * Attempts are sequential; each is bounded by {@link LocalCluster#JDBC_TIMEOUT}, and the probe
 * itself by {@link #MAX_RUN} and {@link #MAX_ATTEMPTS}.
 */
final class WriteProbe implements AutoCloseable {
    static final String TABLE = "pointsman_e2e_probe";
    static final Duration INTERVAL = Duration.ofMillis(50);
    static final Duration MAX_RUN = Duration.ofMinutes(5);
    static final int MAX_ATTEMPTS = 10_000;

    /** One INSERT through a new connection: ok when {@code server} is set, else {@code error}. */
    record Attempt(int id, long startNanos, long endNanos, String server, String sqlState, String error) {
        boolean ok() {
            return server != null;
        }

        /** The write reached a node in recovery: "cannot execute INSERT in a read-only transaction". */
        boolean misrouted() {
            return "25006".equals(sqlState) || (error != null && error.contains("read-only transaction"));
        }
    }

    /** Opens the connection of one attempt. */
    @FunctionalInterface
    interface Connector {
        Connection open() throws SQLException;
    }

    private final String scenario;
    private final String proxy;
    private final String run;
    private final Connector connector;
    private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
    private final Map<String, Long> marks = new ConcurrentHashMap<>();
    private final long startNanos = System.nanoTime();
    private final Thread thread;
    private volatile boolean stopping;
    private volatile long stopNanos;

    private WriteProbe(String scenario, String proxy, Connector connector) {
        this.scenario = scenario;
        this.proxy = proxy;
        this.connector = connector;
        this.run = scenario + "-" + System.currentTimeMillis();
        this.thread = new Thread(this::loop, "write-probe-" + scenario);
        thread.setDaemon(true);
    }

    /** Creates the probe table, directly on the leader, unless it exists. Each probe writes rows of its own run. */
    static void createTable(LocalCluster cluster) throws SQLException {
        try (Connection c = cluster.connectNode(cluster.leader()); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (run text NOT NULL, id int NOT NULL,"
                    + " at timestamptz NOT NULL DEFAULT clock_timestamp(), server inet, PRIMARY KEY (run, id))");
        }
    }

    /** Starts writing through the proxy's primary port; the table must exist ({@link #createTable}). */
    static WriteProbe start(String scenario, String proxy) {
        return start(scenario, proxy, false);
    }

    /** {@link #start(String, String)}; with {@code tls}, every attempt is a TLS client ({@code sslmode=require}). */
    static WriteProbe start(String scenario, String proxy, boolean tls) {
        return start(scenario, proxy, () -> LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT, tls));
    }

    /** Starts writing through connections {@code connector} opens (another proxy address, a multi-host URL). */
    static WriteProbe start(String scenario, String proxy, Connector connector) {
        WriteProbe probe = new WriteProbe(scenario, proxy, connector);
        probe.thread.start();
        return probe;
    }

    /** The run's name: the value of the probe table's {@code run} column for this probe's rows. */
    String run() {
        return run;
    }

    /** Remembers when something happened (e.g. "switchover"), to place the figures in time. */
    void mark(String event) {
        marks.put(event, System.nanoTime());
    }

    List<Attempt> attempts() {
        return List.copyOf(attempts);
    }

    /** Waits (bounded) until the last {@code n} attempts were all acknowledged by {@code address}. */
    void awaitAcknowledgedBy(String address, int n, Duration bound) {
        Awaitility.await("the last " + n + " writes acknowledged by " + address + " (" + scenario + ")")
                .atMost(bound).pollInterval(Duration.ofMillis(50))
                .until(() -> lastAcknowledgedBy(address, n));
    }

    /** Waits (bounded) until {@code n} attempts were acknowledged, by any server. */
    void awaitAcknowledged(int n, Duration bound) {
        Awaitility.await(n + " acknowledged writes (" + scenario + ")").atMost(bound)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> attempts.stream().filter(Attempt::ok).count() >= n);
    }

    private boolean lastAcknowledgedBy(String address, int n) {
        List<Attempt> all = attempts();
        return all.size() >= n && all.subList(all.size() - n, all.size()).stream()
                .allMatch(a -> address.equals(a.server()));
    }

    /** Stops writing (waits for the attempt in flight) and reports; lost rows are counted by {@link #lostRows}. */
    ProbeReport stop() {
        stopping = true;
        try {
            thread.join(LocalCluster.JDBC_TIMEOUT.multipliedBy(3).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            throw new IllegalStateException("the write probe did not stop within " + LocalCluster.JDBC_TIMEOUT.multipliedBy(3));
        }
        return ProbeReport.of(scenario, proxy, startNanos, stopNanos, attempts(), marks);
    }

    /** {@link #stop}, then the lost rows counted on {@code newLeader}; the report is printed and appended to figures.md. */
    ProbeReport stopAndCountLost(LocalCluster cluster, String newLeader) throws SQLException {
        ProbeReport report = stop();
        try (Connection c = cluster.connectNode(newLeader)) {
            return report.withLost(lostRows(report, c)).print();
        }
    }

    /** The acknowledged ids missing from the probe table on {@code primary}: acknowledged, then lost. */
    List<Integer> lostRows(ProbeReport report, Connection primary) throws SQLException {
        Set<Integer> present = new HashSet<>();
        try (PreparedStatement ps = primary.prepareStatement("SELECT id FROM " + TABLE + " WHERE run = ?")) {
            ps.setString(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    present.add(rs.getInt(1));
                }
            }
        }
        List<Integer> lost = new ArrayList<>();
        for (int id : report.acknowledged().keySet()) {
            if (!present.contains(id)) {
                lost.add(id);
            }
        }
        return lost;
    }

    @Override
    public void close() {
        if (thread.isAlive()) {
            stop();
        }
    }

    private void loop() {
        long deadline = startNanos + MAX_RUN.toNanos();
        long next = System.nanoTime();
        for (int id = 1; id <= MAX_ATTEMPTS && !stopping && System.nanoTime() < deadline; id++) {
            long wait = next - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
            long start = System.nanoTime();
            next = start + INTERVAL.toNanos(); // a late attempt does not make the next ones bunch up
            attempts.add(attempt(id, start));
        }
        stopNanos = System.nanoTime();
    }

    private Attempt attempt(int id, long start) {
        try (Connection c = connector.open();
                PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE
                        + " (run, id, server) VALUES (?, ?, inet_server_addr()) RETURNING host(inet_server_addr())")) {
            ps.setString(1, run);
            ps.setInt(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return new Attempt(id, start, System.nanoTime(), rs.getString(1), null, null);
            }
        } catch (SQLException e) {
            String message = String.valueOf(e.getMessage()).lines().findFirst().orElse("");
            return new Attempt(id, start, System.nanoTime(), null, e.getSQLState(), message);
        } catch (RuntimeException e) {
            return new Attempt(id, start, System.nanoTime(), null, null, e.toString());
        }
    }
}
