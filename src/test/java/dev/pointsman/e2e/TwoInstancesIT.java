package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Issue 15: several Pointsman instances in front of one cluster, each with the reference
 * configuration on its own loopback address (127.0.0.31, .32, ...: {@code -De2e.instances=N}, 2 by
 * default; every 127.0.0.0/8 address is on {@code lo} already). Through a switchover and a crash of
 * the primary, each instance under its own write probe routes writes only to the new primary (0
 * misrouted and 0 lost on each, figures per instance). Then one instance is killed (SIGKILL) under
 * a probe whose client knows every instance (pgjdbc's multi-host URL with
 * {@code targetServerType=primary}): the client reconnects to the next one, and no acknowledged
 * row is lost; the gap is printed. Pointsman only.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TwoInstancesIT extends ClusterScenario {
    static final int COUNT = Integer.getInteger("e2e.instances", 2);
    /** The most a client of several instances may go without an acknowledged write when one instance dies. */
    static final Duration KILL_GAP_BOUND = Duration.ofSeconds(5);

    private static final List<ProxyProcess> instances = new ArrayList<>();

    @BeforeAll
    static void instances() {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "pointsman".equalsIgnoreCase(System.getProperty("e2e.proxy", "pointsman").trim()),
                "several instances of Pointsman itself");
        for (String host : hosts()) {
            instances.add(ProxyProcess.pointsman(configFor(host)).on(host).start("instances-" + host));
        }
        hosts().forEach(ClusterScenario::awaitSteadyRouting);
    }

    @AfterAll
    static void stopInstances() {
        instances.forEach(ProxyProcess::close);
        instances.clear();
    }

    /** 127.0.0.31, 127.0.0.32, ... */
    static List<String> hosts() {
        return IntStream.rangeClosed(1, COUNT).mapToObj(i -> "127.0.0." + (30 + i)).toList();
    }

    /** The reference configuration with every {@code bind *:PORT} bound to {@code host} instead. */
    static Path configFor(String host) {
        try {
            String reference = Files.readString(E2eDirs.referenceConfig());
            String own = reference.replaceAll("(?m)^(\\s*bind\\s+)\\*:", "$1" + host + ":");
            assertThat(own).as("the reference configuration binds *:PORT").isNotEqualTo(reference);
            Path cfg = E2eDirs.output().resolve("instances-" + host + ".cfg");
            Files.writeString(cfg, own);
            return cfg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    @Order(1)
    void switchoverSendsNoWriteToAReplicaThroughAnyInstance() throws Exception {
        String former = cluster.leader();

        Map<String, ProbeReport> reports = underWritesOnEach("instances switchover",
                () -> cluster.switchover().newLeader(), false);

        assertThat(cluster.leader()).isNotEqualTo(former);
        SoftAssertions soft = new SoftAssertions();
        reports.forEach((host, r) -> {
            soft.assertThat(r.misrouted()).as("writes through %s sent to a node in recovery (%s)", host, r.summary())
                    .isZero();
            soft.assertThat(r.lost()).as("rows acknowledged through %s missing on the new primary (%s)", host,
                    r.summary()).isEmpty();
        });
        soft.assertAll();
    }

    @Test
    @Order(2)
    void crashOfThePrimarySendsNoWriteToAReplicaThroughAnyInstance() throws Exception {
        String crashed = cluster.leader();

        Map<String, ProbeReport> reports = underWritesOnEach("instances failover",
                () -> cluster.failover().newLeader(), true);

        assertThat(cluster.leader()).isNotEqualTo(crashed);
        String crashedAddress = LocalCluster.address(crashed);
        SoftAssertions soft = new SoftAssertions();
        reports.forEach((host, r) -> {
            List<Integer> lostBySurvivors = r.lostExceptThoseAcknowledgedBy(crashedAddress);
            if (r.lost().size() > lostBySurvivors.size()) {
                System.out.printf("[instances failover %s] %d row(s) acknowledged by %s just before the crash never"
                        + " reached a replica (asynchronous replication, not the proxy)%n", host,
                        r.lost().size() - lostBySurvivors.size(), crashed);
            }
            soft.assertThat(r.misrouted()).as("writes through %s sent to a node in recovery (%s)", host, r.summary())
                    .isZero();
            soft.assertThat(lostBySurvivors).as("rows acknowledged by a survivor through %s, missing (%s)", host,
                    r.summary()).isEmpty();
        });
        soft.assertAll();
    }

    @Test
    @Order(3)
    void killingOneInstanceCostsAMultiHostClientOnlyTheReconnect() throws Exception {
        List<String> hostPorts = hosts().stream().map(h -> h + ":" + LocalCluster.PRIMARY_PORT).toList();
        String leader = cluster.leader();
        WriteProbe.createTable(cluster);
        ProbeReport report;
        long killNanos;
        List<WriteProbe.Attempt> attempts;
        try (WriteProbe probe = WriteProbe.start("instance killed (multi-host " + String.join(",", hostPorts) + ")",
                "pointsman x" + COUNT, () -> LocalCluster.connectPrimaryOfHosts(hostPorts))) {
            probe.awaitAcknowledged(WARM_UP_ACKS, Duration.ofSeconds(30));
            int before = probe.attempts().size();
            probe.mark("kill -9 " + hosts().get(0));
            killNanos = System.nanoTime();
            instances.get(0).killHard();
            Awaitility.await("10 writes acknowledged after the kill").atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> probe.attempts().stream().skip(before).filter(WriteProbe.Attempt::ok).count()
                            >= SETTLED_ACKS);
            report = probe.stopAndCountLost(cluster, leader);
            attempts = probe.attempts();
        }

        double gap = gapAround(attempts, killNanos);
        System.out.printf("[instance killed] a client of %s went %.2f s without an acknowledged write around the"
                + " kill (from the last acknowledgement before it to the first after); %d attempt(s) failed%n",
                hostPorts, gap, report.failed());
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(report.lost()).as("acknowledged rows missing (%s)", report.summary()).isEmpty();
        soft.assertThat(report.misrouted()).as("writes sent to a node in recovery (%s)", report.summary()).isZero();
        soft.assertThat(gap).as("seconds without an acknowledged write around the kill (%s)", report.summary())
                .isLessThan(KILL_GAP_BOUND.toMillis() / 1000.0);
        soft.assertAll();
    }

    /** Seconds from the last write acknowledged before {@code atNanos} to the first acknowledged after it. */
    static double gapAround(List<WriteProbe.Attempt> attempts, long atNanos) {
        long before = attempts.stream().filter(a -> a.ok() && a.endNanos() <= atNanos)
                .mapToLong(WriteProbe.Attempt::endNanos).max().orElse(atNanos);
        long after = attempts.stream().filter(a -> a.ok() && a.endNanos() > atNanos)
                .mapToLong(WriteProbe.Attempt::endNanos).min().orElse(Long.MAX_VALUE);
        return after == Long.MAX_VALUE ? Double.POSITIVE_INFINITY : (after - before) / 1e9;
    }

    /**
     * One write probe per instance (each through its own address's 5000) while {@code event} runs,
     * until each has 10 writes in a row acknowledged by the new leader; the lost rows counted and
     * each report printed.
     */
    private static Map<String, ProbeReport> underWritesOnEach(String scenario, Supplier<String> event,
                                                              boolean crash) throws SQLException {
        WriteProbe.createTable(cluster);
        Map<String, WriteProbe> probes = new LinkedHashMap<>();
        try {
            for (String host : hosts()) {
                probes.put(host, WriteProbe.start(scenario + " via " + host, "pointsman",
                        () -> LocalCluster.connect(host, LocalCluster.PRIMARY_PORT)));
            }
            for (WriteProbe p : probes.values()) {
                p.awaitAcknowledged(WARM_UP_ACKS, Duration.ofSeconds(30));
                p.mark(crash ? "crash" : "switchover");
            }
            String newLeader = event.get();
            Map<String, ProbeReport> reports = new LinkedHashMap<>();
            for (Map.Entry<String, WriteProbe> e : probes.entrySet()) {
                e.getValue().mark("returned");
                e.getValue().awaitAcknowledgedBy(LocalCluster.address(newLeader), SETTLED_ACKS, WRITES_RESUME_BOUND);
            }
            for (Map.Entry<String, WriteProbe> e : probes.entrySet()) {
                reports.put(e.getKey(), e.getValue().stopAndCountLost(cluster, newLeader));
            }
            return reports;
        } finally {
            probes.values().forEach(WriteProbe::close);
        }
    }
}
