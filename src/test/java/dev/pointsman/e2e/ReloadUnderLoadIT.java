package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Reload in place (issue 14, part 2) on the real cluster: while writes go through 5000 (the JDBC
 * write probe) and reads through 5001, the configuration file is rewritten (5001's section gets a
 * second address, 5002, and a third server; 5000's section loses a replica, which holds no session
 * there) and SIGHUP sent. No attempt may fail, no kept server may change state (no "Server x/y is"
 * line but the added server's), and the new address accepts. Then a broken file is refused with
 * its line, and the old configuration keeps serving.
 */
class ReloadUnderLoadIT extends ClusterScenario {
    static final int ADDED_PORT = 5002;
    static final Duration READ_RUN = Duration.ofMinutes(2);
    static final int MAX_READS = 20_000;

    private static Path file;
    private static String reference;
    private static String leader;
    /** A replica whose line the standby pool starts without: the reload adds it (a leader would never come UP there). */
    private static String added;

    @BeforeAll
    static void proxyOnAFileWeRewrite() throws IOException {
        Assumptions.assumeTrue(System.getProperty("e2e.proxy", "pointsman").trim().equals("pointsman"),
                "HAProxy reloads through its master process (-W), not a SIGHUP to a -db process");
        // a JVM started with SIGHUP ignored (the build run under nohup) passes that on to the proxy,
        // which then cannot take SIGHUP over (it says so at start): nothing to test here
        Assumptions.assumeFalse(dev.pointsman.cli.Cli.hangUpIgnored(),
                "SIGHUP is ignored in this build's process (run under nohup?): the proxy it starts cannot reload on SIGHUP");
        leader = cluster.leader();
        reference = Files.readString(E2eDirs.referenceConfig());
        java.util.List<String> replicas = LocalCluster.NODES.stream().filter(n -> !n.equals(leader)).toList();
        added = replicas.get(replicas.size() - 1);
        file = E2eDirs.output().resolve("reload.cfg");
        Files.writeString(file, withoutStandbyServer(reference, added));
        proxy = ProxyProcess.pointsman(file).start("reload");
        awaitSteadyRouting();
    }

    /** {@code cfg} without the {@code server NAME} line of the standby section. */
    static String withoutStandbyServer(String cfg, String name) {
        int standby = cfg.indexOf("listen standby");
        String head = cfg.substring(0, standby);
        String tail = cfg.substring(standby).replaceFirst("(?m)^\\s*server " + name + " .*\\n", "");
        return head + tail;
    }

    /** {@code cfg} without the {@code server NAME} line of the primary section. */
    static String withoutPrimaryServer(String cfg, String name) {
        int primary = cfg.indexOf("listen primary");
        int standby = cfg.indexOf("listen standby");
        return cfg.substring(0, primary)
                + cfg.substring(primary, standby).replaceFirst("(?m)^\\s*server " + name + " .*\\n", "")
                + cfg.substring(standby);
    }

    @Test
    void aReloadUnderLoadAddingAListenerAndAServerAndRemovingOneCostsNoTransactionAndNoStateChange()
            throws Exception {
        String replica = LocalCluster.NODES.stream().filter(n -> !n.equals(leader)).findFirst().orElseThrow();
        String next = withoutPrimaryServer(reference, replica)
                .replaceFirst("(?m)^(\\s*)bind \\*:5001\\n", "$1bind *:5001\n$1bind *:" + ADDED_PORT + "\n");
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger reads = new AtomicInteger();
        List<String> readErrors = java.util.Collections.synchronizedList(new ArrayList<>());
        CompletableFuture<Void> reader = CompletableFuture.runAsync(() -> readLoop(stop, reads, readErrors));
        WriteProbe.createTable(cluster);
        ProbeReport report;
        int logBefore = proxy.log().length();
        try (WriteProbe probe = WriteProbe.start("reload", proxy.name())) {
            probe.awaitAcknowledged(WARM_UP_ACKS, Duration.ofSeconds(30));
            probe.mark("reload");
            Files.writeString(file, next);
            proxy.signal("HUP");
            await("the reload done").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> proxy.log().substring(logBefore).contains("Configuration reloaded in"));
            await("the added server UP").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                    .until(() -> proxy.log().substring(logBefore).contains("Server standby/" + added + " is UP"));
            probe.awaitAcknowledged(WARM_UP_ACKS + SETTLED_ACKS, Duration.ofSeconds(30));
            report = probe.stop();
        } finally {
            stop.set(true);
        }
        reader.get();
        String after = proxy.log().substring(logBefore);

        assertThat(report.failed()).as("failed writes through 5000 (%s)", report.summary()).isZero();
        assertThat(readErrors).as("failed reads through 5001 (%d reads)", reads.get()).isEmpty();
        assertThat(reads.get()).isPositive();
        assertThat(after).contains("Reloading configuration from " + file, "Reload: listener standby added on *:"
                + ADDED_PORT, "Reload: server standby/" + added + " added", "Reload: server primary/" + replica + " removed");
        assertThat(after.lines().filter(l -> l.matches(".*Server \\S+/\\S+ is (UP|DOWN|going).*")
                && !l.contains("Server standby/" + added + " is"))).as("state changes of kept servers").isEmpty();
        try (Connection c = LocalCluster.connectProxy(ADDED_PORT)) {
            assertThat(LocalCluster.inRecovery(c)).isTrue();
        }
    }

    @Test
    void aBrokenFileIsRefusedWithItsLineAndTheRunningConfigurationKeepsServing() throws Exception {
        String running = Files.readString(file);
        String broken = running.replaceFirst("(?m)^listen primary\\n", "listen primary\n    rise 0\n");
        int line = (int) broken.substring(0, broken.indexOf("    rise 0")).chars().filter(c -> c == '\n').count() + 1;
        int logBefore = proxy.log().length();
        try {
            Files.writeString(file, broken);
            proxy.signal("HUP");
            await("the refusal").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> proxy.log().substring(logBefore).contains("Reload refused: "));
            assertThat(proxy.log().substring(logBefore)).contains("Reload refused: parsing [" + file + ":" + line + "]",
                    "the running configuration goes on").doesNotContain("Configuration reloaded in");
            awaitSteadyRouting();
        } finally {
            Files.writeString(file, running);
        }
    }

    /** New connections through 5001, one query each, until told to stop (bounded in count and time). */
    private static void readLoop(AtomicBoolean stop, AtomicInteger reads, List<String> errors) {
        long deadline = System.nanoTime() + READ_RUN.toNanos();
        for (int i = 0; i < MAX_READS && !stop.get() && System.nanoTime() < deadline; i++) {
            try (Connection c = LocalCluster.connectProxy(LocalCluster.STANDBY_PORT)) {
                LocalCluster.queryString(c, "SELECT 'read'");
                reads.incrementAndGet();
            } catch (SQLException e) {
                errors.add(e.getSQLState() + " " + e.getMessage());
            }
        }
    }
}
