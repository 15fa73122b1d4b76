package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Issue 12 ("Hardening") on the real cluster: clients that misbehave must not harm the proxy or its
 * other clients. Each test starts the proxy (Pointsman; HAProxy with {@code -De2e.proxy=haproxy})
 * with the reference configuration changed only where the scenario needs it; the file is kept as
 * target/e2e/hostile-*.cfg. bench/hostile measures the same four defects against a synthetic
 * backend with HAProxy beside; docs/HARDENING.md has the figures.
 */
class HostileClientsIT extends ClusterScenario {
    static final Duration TIMEOUT_CLIENT = Duration.ofSeconds(2);
    /** HAProxy closes a client that stopped reading at {@code timeout client}; the target allows one second more. */
    static final Duration CLOSE_BOUND = TIMEOUT_CLIENT.plusSeconds(1);
    static final int NON_READING = 5;
    /**
     * 50 MB through the primary port. psql streams COPY's rows to its standard output as they come
     * (a plain SELECT would be read whole first), so a psql whose output nobody reads stops reading
     * its socket once the pipe is full.
     */
    static final String LARGE_RESULT = "COPY (SELECT repeat('x', 1000000) FROM generate_series(1, 50)) TO STDOUT";
    static final int SLOW_STATS = 300;
    static final byte[] HALF_REQUEST = "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Half: ".getBytes(StandardCharsets.US_ASCII);
    static final Duration STATS_BOUND = Duration.ofSeconds(1);
    /** Each burst: {@link #WAVES} waves of {@link #BURST_CLIENTS} (bench/hostile's bursts of 5 waves killed main's port within 1-4). */
    static final int BURSTS = 10;
    static final int WAVES = 3;
    static final int BURST_CLIENTS = 300;
    static final Duration RECOVERY_BOUND = Duration.ofSeconds(5);
    static final Duration RECOVERY_WATCH = Duration.ofSeconds(15);

    @AfterEach
    void stopTheProxy() {
        stopProxy();
    }

    // ---------------------------------------------------------------------------------------------
    // (a) clients that stop reading

    @Test
    void clientsThatStopReadingAreClosedWithinTimeoutClientWhileANormalClientKeepsWorking() throws Exception {
        // Given the proxy with timeout client 2s, and a normal client through 5000
        start("non-reading", cfg -> replaceOnce(cfg, "(?m)^(\\s*)timeout client\\s+\\S+\\s*$", "$1timeout client 2s"));
        awaitSteadyRouting();
        List<Client> clients = new ArrayList<>();
        Watch watch;
        NormalClient normal = new NormalClient(LocalCluster.PRIMARY_PORT);
        try {
            // When five psql sessions ask for 50 MB each and never read it
            for (int i = 1; i <= NON_READING; i++) {
                clients.add(nonReadingClient(i));
            }
            watch = watch(clients);
        } finally {
            normal.close();
            clients.forEach(Client::destroy);
        }

        // Then the proxy closed each within timeout client + 1 s of its stalling, and the normal client never failed
        List<String> figures = new ArrayList<>();
        SoftAssertions soft = new SoftAssertions();
        for (Client c : clients) {
            Integer port = watch.ports().get(c);
            Long stalled = port == null ? null : watch.stalledAt().get(port);
            Long closed = port == null ? null : watch.closedAt().get(port);
            String who = "the proxy's socket to non-reading client :" + port;
            if (port == null || stalled == null) {
                soft.fail(port == null ? "psql never connected to 5000: " + c.state()
                        : who + " was never seen with bytes waiting for the client (psql: " + c.state() + ")");
                continue;
            }
            double after = ((closed != null ? closed : watch.end()) - stalled) / 1e9;
            figures.add(String.format("%s%.2f s", closed != null ? "" : "still ESTABLISHED after ", after));
            if (closed == null) {
                soft.fail(String.format("%s: still ESTABLISHED %.1f s after the client stopped reading", who, after));
            } else {
                soft.assertThat(after).as("%s: seconds from stalling to closed", who)
                        .isLessThanOrEqualTo(CLOSE_BOUND.toMillis() / 1000.0);
            }
        }
        List<String> failures = normal.failures();
        List<String> first = failures.subList(0, Math.min(3, failures.size()));
        System.out.printf("[non-reading] %s, timeout client %d s: closed %s; normal client: %d queries, %d failed %s;"
                + " timeline: %s%n", proxy.name(), TIMEOUT_CLIENT.toSeconds(), figures, normal.queries(), failures.size(),
                first, watch.timeline());
        soft.assertThat(failures.size()).as("queries of the normal client through 5000 that failed, first: %s", first)
                .isZero();
        soft.assertAll();
    }

    /**
     * What {@link #watch} saw: each client's port, when the proxy's socket to it (by port) first had
     * unsent bytes and when it left ESTABLISHED (System.nanoTime), and when the watch ended.
     */
    record Watch(Map<Client, Integer> ports, Map<Integer, Long> foundAt, Map<Integer, Long> stalledAt,
            Map<Integer, Long> closedAt, long start, long end) {
        /** When each client's socket was found, stalled and closed, in seconds from the start of the watch. */
        String timeline() {
            List<String> lines = new ArrayList<>();
            for (int port : ports.values()) {
                lines.add(String.format(":%d found %s, stalled %s, closed %s", port, at(foundAt.get(port)),
                        at(stalledAt.get(port)), at(closedAt.get(port))));
            }
            return String.join("; ", lines);
        }

        private String at(Long nanos) {
            return nanos == null ? "never" : String.format("+%.2f s", (nanos - start) / 1e9);
        }
    }

    /**
     * Every 50 ms, until the proxy closed its socket to every client or for {@link #CLOSE_BOUND} +
     * 15 s: finds the clients' ports and reads the kernel's socket table.
     */
    private static Watch watch(List<Client> clients) {
        Map<Client, Integer> ports = new LinkedHashMap<>();
        Map<Integer, Long> foundAt = new LinkedHashMap<>();
        Map<Integer, Long> stalledAt = new LinkedHashMap<>();
        Map<Integer, Long> closedAt = new LinkedHashMap<>();
        long start = System.nanoTime();
        try {
            Awaitility.await().atMost(CLOSE_BOUND.plusSeconds(15)).pollDelay(Duration.ZERO)
                    .pollInterval(Duration.ofMillis(50)).until(() -> {
                        List<TcpTable.Entry> table = TcpTable.read(LocalCluster.PRIMARY_PORT);
                        for (Client c : clients) {
                            if (!ports.containsKey(c)) {
                                TcpTable.clientPort(c.process().pid(), LocalCluster.PRIMARY_PORT, table).ifPresent(port -> {
                                    ports.put(c, port);
                                    foundAt.put(port, System.nanoTime());
                                });
                            }
                        }
                        observe(table, ports.values(), stalledAt, closedAt);
                        return ports.size() == clients.size() && closedAt.size() == clients.size();
                    });
        } catch (ConditionTimeoutException e) {
            // the caller reports it, client by client
        }
        return new Watch(ports, foundAt, stalledAt, closedAt, start, System.nanoTime());
    }

    /** A psql process whose standard output is a pipe nobody reads, its standard error in {@code err}. */
    record Client(Process process, Path err) {
        String state() {
            String text;
            try {
                text = Files.exists(err) ? Files.readString(err).strip() : "";
            } catch (IOException e) {
                text = e.toString();
            }
            return (process.isAlive() ? "running" : "exited " + process.exitValue()) + (text.isEmpty() ? "" : ", " + text);
        }

        void destroy() {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            try {
                process.waitFor(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static Client nonReadingClient(int i) throws IOException {
        Path err = E2eDirs.output().resolve("hostile-psql-" + i + ".err");
        ProcessBuilder pb = new ProcessBuilder("psql", "-X", "-q", "-w", "-h", LocalCluster.PROXY_HOST, "-p",
                String.valueOf(LocalCluster.PRIMARY_PORT), "-U", "postgres", "-d", "postgres", "-c", LARGE_RESULT)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectError(err.toFile()); // stdout: a pipe nobody reads
        pb.environment().putAll(Map.of("PGPASSWORD", "postgres", "PGCONNECT_TIMEOUT", "10", "PGSSLMODE", "disable",
                "PGAPPNAME", "pointsman-e2e-nonreading"));
        return new Client(pb.start(), err);
    }

    /** Marks when the proxy's socket to each client first had unsent bytes, and when it left ESTABLISHED. */
    private static void observe(List<TcpTable.Entry> table, Iterable<Integer> ports, Map<Integer, Long> stalledAt,
            Map<Integer, Long> closedAt) {
        long now = System.nanoTime();
        for (int port : ports) {
            var proxySide = TcpTable.find(table, LocalCluster.PRIMARY_PORT, port)
                    .filter(e -> e.state() == TcpTable.ESTABLISHED);
            if (proxySide.isEmpty()) {
                closedAt.putIfAbsent(port, now);
            } else if (proxySide.get().sendQueue() > 0) {
                stalledAt.putIfAbsent(port, now);
            }
        }
    }

    // ---------------------------------------------------------------------------------------------
    // (b) slow requests to the stats page

    @Test
    void statsPageAndCsvAnswerWithinASecondWhile300SlowRequestsAreOpen() throws Exception {
        // Given the proxy with room for 301 connections under its global maxconn (the reference's 300 would not let
        // HAProxy accept the 301st either), and 300 connections to 7000 that each sent half a request
        start("slow-stats", cfg -> replaceOnce(cfg, "(?m)^(\\s+)maxconn\\s+\\d+\\s*$", "$1maxconn 1000"));
        List<Socket> slow = new ArrayList<>();
        int sent = 0;
        try {
            for (int i = 0; i < SLOW_STATS; i++) {
                Socket s = new Socket();
                slow.add(s);
                try {
                    s.connect(new InetSocketAddress(LocalCluster.PROXY_HOST, LocalCluster.STATS_PORT), 2000);
                    s.getOutputStream().write(HALF_REQUEST);
                    sent++;
                } catch (IOException e) {
                    // counted: sent stays below SLOW_STATS
                }
            }
            // When the page and the CSV are asked for at the same time
            CompletableFuture<Answer> page = CompletableFuture.supplyAsync(() -> get("/"));
            CompletableFuture<Answer> csv = CompletableFuture.supplyAsync(() -> get("/;csv"));
            Answer p = page.get(30, TimeUnit.SECONDS);
            Answer c = csv.get(30, TimeUnit.SECONDS);
            System.out.printf("[slow stats] %s: %d slow requests sent; page: %s after %.2f s; ;csv: %s after %.2f s%n",
                    proxy.name(), sent, p.status(), p.seconds(), c.status(), c.seconds());

            // Then both answer 200 within a second
            SoftAssertions soft = new SoftAssertions();
            soft.assertThat(sent).as("slow requests sent").isEqualTo(SLOW_STATS);
            for (var a : Map.of("GET /", p, "GET /;csv", c).entrySet()) {
                soft.assertThat(a.getValue().status()).as("%s while %d slow requests are open", a.getKey(), sent)
                        .startsWith("HTTP/1.").contains(" 200");
                soft.assertThat(a.getValue().seconds()).as("seconds until %s was answered", a.getKey())
                        .isLessThanOrEqualTo(STATS_BOUND.toMillis() / 1000.0);
            }
            soft.assertAll();
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
    }

    record Answer(String status, double seconds) {}

    /** One HTTP/1.0 GET on a new connection, read to the end; bounded by 15 s. */
    private static Answer get(String path) {
        long t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(LocalCluster.PROXY_HOST, LocalCluster.STATS_PORT), 15_000);
            s.setSoTimeout(15_000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            byte[] all = s.getInputStream().readAllBytes();
            String text = new String(all, StandardCharsets.ISO_8859_1);
            String status = text.isEmpty() ? "closed without an answer" : text.lines().findFirst().orElse("");
            return new Answer(text.contains("\r\n\r\n") ? status : status + " (incomplete)", (System.nanoTime() - t0) / 1e9);
        } catch (IOException e) {
            return new Answer(e.toString(), (System.nanoTime() - t0) / 1e9);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // (d) bursts against a small maxconn

    @Test
    void primaryPortServesAgainAfterEveryBurstOnASmallMaxconn() throws Exception {
        // Given the proxy with maxconn 5 on the primary listener
        start("bursts", cfg -> replaceOnce(cfg, "(?m)^(\\s*)bind \\*:5000\\s*$", "$0\n$1maxconn 5"));
        awaitSteadyRouting();
        List<String> bursts = new ArrayList<>();
        int recovered = 0;
        for (int b = 1; b <= BURSTS; b++) {
            // When, three times, a few hundred clients connect, send an SSLRequest and all leave at once, half with a reset
            List<Integer> connected = new ArrayList<>();
            for (int w = 0; w < WAVES; w++) {
                connected.add(Bursts.burst(LocalCluster.PRIMARY_PORT, BURST_CLIENTS));
            }
            // Then the port serves again within seconds
            double back = Bursts.secondsUntilServed(LocalCluster.PRIMARY_PORT, RECOVERY_WATCH);
            bursts.add(String.format("%s clients: %s", connected, back < 0 ? "DEAD for " + RECOVERY_WATCH.toSeconds() + " s"
                    : String.format("served again after %.2f s", back)));
            if (back < 0 || back > RECOVERY_BOUND.toMillis() / 1000.0) {
                break;
            }
            recovered++;
        }
        System.out.printf("[bursts] %s, maxconn 5: %d of %d bursts recovered: %s%n", proxy.name(), recovered, BURSTS, bursts);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(recovered).as("bursts after which 5000 served again within %s: %s", RECOVERY_BOUND, bursts)
                .isEqualTo(BURSTS);
        // and a real query through 5000 reaches the primary
        try (Connection c = LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT)) {
            soft.assertThat(LocalCluster.inRecovery(c)).as("the session through 5000 is on a node in recovery").isFalse();
        } catch (SQLException e) {
            soft.fail("a query through 5000 after the bursts: " + e.getSQLState() + " " + e.getMessage());
        }
        soft.assertAll();
    }

    // ---------------------------------------------------------------------------------------------

    /** Starts the proxy with the reference configuration as {@code change} makes it, kept as target/e2e/hostile-LABEL.cfg. */
    private static void start(String label, UnaryOperator<String> change) throws IOException {
        Path cfg = E2eDirs.output().resolve("hostile-" + label + ".cfg");
        Files.writeString(cfg, change.apply(Files.readString(E2eDirs.referenceConfig())));
        proxy = ProxyProcess.chosen(cfg).start("hostile-" + label);
    }

    /** {@code text} with the one match of {@code regex} replaced; anything but exactly one match is an error. */
    static String replaceOnce(String text, String regex, String replacement) {
        Matcher m = Pattern.compile(regex).matcher(text);
        assertThat(m.results().count()).as("lines of the reference configuration matching /%s/", regex).isEqualTo(1);
        return Pattern.compile(regex).matcher(text).replaceFirst(replacement);
    }
}
