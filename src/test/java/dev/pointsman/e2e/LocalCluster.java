package dev.pointsman.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.testing.RealCluster;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The 3-node Patroni cluster of {@code scripts/cluster}: pg-1, pg-2, pg-3 on 127.0.0.11-13,
 * PostgreSQL on 5432 and Patroni's REST API on 8008, superuser postgres/postgres.
 *
 * <p>Cluster actions run the script (each bounded by {@link #SCRIPT_BOUND}); what the cluster
 * looks like now is read from Patroni's REST API. JDBC helpers connect to a node directly or
 * through the proxy on 127.0.0.1, with every timeout bounded.
 */
final class LocalCluster {
    static final List<String> NODES = List.of("pg-1", "pg-2", "pg-3");
    static final String PROXY_HOST = "127.0.0.1";
    static final int PRIMARY_PORT = 5000;
    static final int STANDBY_PORT = 5001;
    static final int STATS_PORT = 7000;
    /** Connect, login and read timeout of every JDBC connection: Pointsman may hold a client while there is no primary. */
    static final Duration JDBC_TIMEOUT = Duration.ofSeconds(10);
    /** The longest any script command may take: failover --wait (~30 s) and restore (~15-60 s) dominate. */
    static final Duration SCRIPT_BOUND = Duration.ofMinutes(4);

    private static final Pattern SWITCHOVER = Pattern.compile("old leader (pg-\\d), new leader (pg-\\d)");
    private static final Pattern CRASHED = Pattern.compile("crashed (pg-\\d)");
    private static final Pattern NEW_LEADER = Pattern.compile("new leader (pg-\\d) after");

    private final Path script;
    private final Path transcript;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final ObjectMapper json = new ObjectMapper();

    LocalCluster(Path home) {
        this.script = home.resolve("scripts/cluster");
        this.transcript = E2eDirs.output().resolve("cluster.log");
    }

    /**
     * The guard of every scenario: skips the test loudly when no Patroni cluster is reachable, or
     * fails it when the environment variable CI is set ({@link RealCluster#assumeReachable}); then
     * waits (bounded) until the cluster is healthy, restarting a member left down by an
     * interrupted run.
     */
    static LocalCluster assumeClusterOrFailInCi() {
        RealCluster.assumeReachable();
        LocalCluster cluster = new LocalCluster(E2eDirs.home());
        cluster.awaitHealthy();
        return cluster;
    }

    /** pg-N → 127.0.0.1N. */
    static String address(String node) {
        if (!NODES.contains(node)) {
            throw new IllegalArgumentException("node: " + node + " (expected: one of " + NODES + ")");
        }
        return "127.0.0.1" + node.substring(3);
    }

    /** The running leader's name, as Patroni's /cluster says. */
    String leader() {
        return RealCluster.leader().orElseThrow(() -> new IllegalStateException("no running leader in Patroni's /cluster"));
    }

    /** Every node but the running leader, in name order. */
    List<String> replicas() {
        String leader = leader();
        return NODES.stream().filter(n -> !n.equals(leader)).toList();
    }

    /** What one node's own /patroni says: role and state, e.g. "master/running", "demoted/stopping". */
    String patroniState(String node) {
        JsonNode p = get("http://" + address(node) + ":8008/patroni");
        return p == null ? "unreachable" : p.path("role").asText("-") + "/" + p.path("state").asText("-");
    }

    record Switchover(String oldLeader, String newLeader) {}

    record Failover(String crashed, String newLeader) {}

    /** A planned switchover to any replica; returns once the old leader streams from the new one. */
    Switchover switchover() {
        return parseSwitchover(run("switchover"));
    }

    Switchover switchover(String candidate) {
        return parseSwitchover(run("switchover", candidate));
    }

    /** {@link #switchover(String)} on another thread, for scenarios that act while it runs. */
    CompletableFuture<Switchover> switchoverAsync(String candidate) {
        return CompletableFuture.supplyAsync(() -> switchover(candidate));
    }

    /** Patroni's hooks for Pointsman (scripts/cluster hooks on|off): returns once every Patroni applied it. */
    void hooks(boolean on) {
        run("hooks", on ? "on" : "off");
    }

    /**
     * Where the cluster's hooks look for Pointsman's runtime sockets ({@code scripts/cluster hooks}):
     * a Pointsman with a {@code stats socket} there is drained by before_stop.
     */
    static Path hookSockets() {
        String dir = System.getenv().getOrDefault("POINTSMAN_CLUSTER_DIR", "/var/tmp/pointsman-cluster");
        return Path.of(dir, "hooks", "sockets");
    }

    /** Crashes the leader (kill -9 of Patroni and the postmaster) and waits until another member leads. */
    Failover failover() {
        String out = run("failover", "--wait");
        return new Failover(group(CRASHED, out, 1), group(NEW_LEADER, out, 1));
    }

    /**
     * Restarts any member whose Patroni is not running and waits for one running leader and two
     * streaming replicas: quick when the cluster is already healthy.
     */
    void awaitHealthy() {
        run("restore");
    }

    // Faults (scripts/cluster; docs/FAULTS.md). restore (awaitHealthy) undoes any of them.

    /** SIGSTOP of the node's Patroni, postmaster and every backend, or of its Patroni alone. */
    void freeze(String node, boolean patroniOnly) {
        if (patroniOnly) {
            run("freeze", node, "--patroni-only");
        } else {
            run("freeze", node);
        }
    }

    void thaw(String node) {
        run("thaw", node);
    }

    /** Stops every etcd member. */
    void etcdStop() {
        run("etcd-stop");
    }

    /** Starts them again and waits for quorum. */
    void etcdStart() {
        run("etcd-start");
    }

    /** Patroni's failsafe_mode, set in the DCS; returns once every Patroni applied it (one loop_wait). */
    void failsafe(boolean on) {
        run("failsafe", on ? "on" : "off");
    }

    /** Cuts the node from etcd and the other nodes, not from the proxy. */
    void partition(String node) {
        run("partition", node);
    }

    void heal() {
        run("heal");
    }

    /** Pauses (resumes) a replica's WAL replay. */
    void lag(String node, boolean on) {
        run("lag", node, on ? "on" : "off");
    }

    /** kill -9 of a replica's Patroni and postmaster. */
    void crash(String node) {
        run("crash", node);
    }

    /** A connection to one node's PostgreSQL, not through the proxy. */
    Connection connectNode(String node) throws SQLException {
        return connect(address(node), 5432);
    }

    /** A connection through the proxy on 127.0.0.1: {@link #PRIMARY_PORT} or {@link #STANDBY_PORT}. */
    static Connection connectProxy(int port) throws SQLException {
        return connect(PROXY_HOST, port);
    }

    /** {@link #connectProxy(int)}, with TLS ({@code sslmode=require}: encrypted or no connection) when {@code tls}. */
    static Connection connectProxy(int port, boolean tls) throws SQLException {
        return connect(PROXY_HOST, port, JDBC_TIMEOUT, tls);
    }

    static Connection connect(String host, int port) throws SQLException {
        return connect(host, port, JDBC_TIMEOUT);
    }

    /** {@link #connect(String, int)} with its own read timeout (a long session outlasting a fault). */
    static Connection connect(String host, int port, Duration readTimeout) throws SQLException {
        return connect(host, port, readTimeout, false);
    }

    /**
     * A plain connection ({@code sslmode=disable}: the opening Pointsman can replay elsewhere), or
     * with {@code tls} a TLS one ({@code sslmode=require}; the cluster has ssl on, scripts/cluster):
     * everything after the SSLRequest is opaque to the proxy.
     */
    static Connection connect(String host, int port, Duration readTimeout, boolean tls) throws SQLException {
        return connectUrl("jdbc:postgresql://" + host + ":" + port + "/postgres", readTimeout, tls);
    }

    /**
     * A connection to the primary through the first of {@code hostPorts} (HOST:PORT,...) that
     * accepts and is not read-only: pgjdbc's multi-host URL with {@code targetServerType=primary},
     * as an application in front of several proxies connects.
     */
    static Connection connectPrimaryOfHosts(List<String> hostPorts) throws SQLException {
        return connectUrl("jdbc:postgresql://" + String.join(",", hostPorts) + "/postgres?targetServerType=primary",
                JDBC_TIMEOUT, false);
    }

    private static Connection connectUrl(String url, Duration readTimeout, boolean tls) throws SQLException {
        String secs = String.valueOf(JDBC_TIMEOUT.toSeconds());
        Properties p = new Properties();
        p.setProperty("user", "postgres");
        p.setProperty("password", "postgres");
        p.setProperty("connectTimeout", secs);
        p.setProperty("loginTimeout", secs);
        p.setProperty("socketTimeout", String.valueOf(readTimeout.toSeconds()));
        p.setProperty("sslmode", tls ? "require" : "disable");
        p.setProperty("gssEncMode", "disable");
        p.setProperty("ApplicationName", "pointsman-e2e");
        return DriverManager.getConnection(url, p);
    }

    /** The address of the server a connection ended up on: {@code inet_server_addr()}. */
    static String serverAddress(Connection c) throws SQLException {
        return queryString(c, "SELECT host(inet_server_addr())");
    }

    /** Whether the session is encrypted, as the server sees it ({@code pg_stat_ssl}). */
    static boolean encrypted(Connection c) throws SQLException {
        return "t".equals(queryString(c, "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"));
    }

    static boolean inRecovery(Connection c) throws SQLException {
        return "t".equals(queryString(c, "SELECT pg_is_in_recovery()"));
    }

    static String queryString(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            if (!rs.next()) {
                throw new SQLException("no row from: " + sql);
            }
            return rs.getString(1);
        }
    }

    // -----------------------------------------------------------------------------------------

    /** A JSON body, whatever the status (Patroni answers 503 with a body too), or null. */
    private JsonNode get(String url) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(3)).GET().build();
            return json.readTree(http.send(req, HttpResponse.BodyHandlers.ofString()).body());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    private Switchover parseSwitchover(String out) {
        return new Switchover(group(SWITCHOVER, out, 1), group(SWITCHOVER, out, 2));
    }

    private static String group(Pattern p, String text, int group) {
        Matcher m = p.matcher(text);
        if (!m.find()) {
            throw new IllegalStateException("expected /" + p + "/ in the output of scripts/cluster:\n" + text);
        }
        return m.group(group);
    }

    /**
     * Runs {@code scripts/cluster ARGS}, bounded by {@link #SCRIPT_BOUND}; its output is returned,
     * echoed to stdout and appended to target/e2e/cluster.log. A non-zero exit is an error.
     */
    private String run(String... args) {
        List<String> command = new ArrayList<>(List.of(script.toString()));
        command.addAll(List.of(args));
        String label = String.join(" ", command.subList(1, command.size()));
        Path out = null;
        try {
            out = Files.createTempFile(E2eDirs.output(), "cluster-", ".out");
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            pb.environment().put("POINTSMAN_CLUSTER_TIMEOUT", "150");
            long t0 = System.nanoTime();
            Process p = pb.start();
            boolean done = p.waitFor(SCRIPT_BOUND.toSeconds(), TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
            String text = Files.readString(out, StandardCharsets.UTF_8);
            String took = String.format("%.1f s", (System.nanoTime() - t0) / 1e9);
            String record = "--- " + LocalTime.now() + " scripts/cluster " + label + " (" + took
                    + (done ? ", exit " + p.exitValue() : ", KILLED") + ")\n" + text;
            Files.writeString(transcript, record, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
            System.out.print(record);
            if (!done) {
                throw new IllegalStateException("scripts/cluster " + label + " took longer than " + SCRIPT_BOUND + ":\n" + text);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("scripts/cluster " + label + " exited " + p.exitValue() + ":\n" + text);
            }
            return text;
        } catch (IOException e) {
            throw new UncheckedIOException("scripts/cluster " + label, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: scripts/cluster " + label, e);
        } finally {
            if (out != null) {
                try {
                    Files.deleteIfExists(out);
                } catch (IOException ignored) {
                    // a leftover temp file under target/ is harmless
                }
            }
        }
    }
}
