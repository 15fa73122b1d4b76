package dev.pointsman.e2e;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;

/**
 * The frame of every scenario: the cluster guard before, a healthy cluster after each test (for
 * the next one), the proxy under test stopped after the class. A subclass starts the proxy with
 * {@link #startProxy} in its own {@code @BeforeAll}, or in the test when the moment matters.
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
abstract class ClusterScenario {
    /** Writes must be flowing before an event is triggered. */
    static final int WARM_UP_ACKS = 10;
    /** After an event, the probe runs until this many writes in a row were acknowledged by the new leader. */
    static final int SETTLED_ACKS = 10;
    static final Duration WRITES_RESUME_BOUND = Duration.ofSeconds(60);

    static LocalCluster cluster;
    static ProxyProcess proxy;

    @BeforeAll
    static void requireCluster() {
        cluster = LocalCluster.assumeClusterOrFailInCi();
    }

    @AfterEach
    void leaveClusterHealthy() {
        cluster.awaitHealthy();
    }

    @AfterAll
    static void stopProxy() {
        if (proxy != null) {
            proxy.close();
            proxy = null;
        }
    }

    /** Starts the proxy chosen by -De2e.proxy with the reference configuration, verbatim. */
    static void startProxy(String label) {
        proxy = ProxyProcess.chosen(E2eDirs.referenceConfig()).start(label);
    }

    /**
     * Waits (bounded) until the proxy routes steadily: three new connections in a row through 5000
     * reach the leader, three through 5001 reach replicas. Right after its start HAProxy balances
     * 5000 over every node for a second or so (it starts servers UP); scenarios about a switchover
     * measure the switchover, not that.
     */
    static void awaitSteadyRouting() {
        awaitSteadyRouting(LocalCluster.PROXY_HOST);
    }

    /** {@link #awaitSteadyRouting()} for a proxy whose frontends are bound on {@code host}. */
    static void awaitSteadyRouting(String host) {
        String leader = LocalCluster.address(cluster.leader());
        AtomicReference<String> seen = new AtomicReference<>("nothing yet");
        try {
            Awaitility.await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() -> {
                String miss = misroute(host, LocalCluster.PRIMARY_PORT, leader, false);
                miss = miss != null ? miss : misroute(host, LocalCluster.STANDBY_PORT, leader, true);
                seen.set(miss);
                return miss == null;
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("within 30 s, " + host + ":5000 did not steadily reach the leader " + leader
                    + " and 5001 the replicas; last seen: " + seen.get(), e);
        }
    }

    /** What is wrong with three new connections through {@code port}, or null when each reached the expected role. */
    private static String misroute(String host, int port, String leader, boolean replicas) {
        for (int i = 0; i < 3; i++) {
            try (Connection c = LocalCluster.connect(host, port)) {
                String server = LocalCluster.serverAddress(c);
                boolean inRecovery = LocalCluster.inRecovery(c);
                if (leader.equals(server) == replicas || inRecovery != replicas) {
                    return port + " reached " + server + " (in recovery: " + inRecovery + ")";
                }
            } catch (SQLException e) {
                return port + ": " + e.getMessage() + " (" + e.getSQLState() + ")";
            }
        }
        return null;
    }

    /**
     * Runs {@code event} (which returns the new leader's name) while a {@link WriteProbe} writes
     * through 5000, until writes settle on the new leader; then counts the acknowledged rows missing
     * on it, prints the figures and appends them to target/e2e/figures.md.
     */
    static ProbeReport underWrites(String scenario, Supplier<String> event) throws SQLException {
        return underWrites(scenario, false, event);
    }

    /** {@link #underWrites(String, Supplier)}, the probe's clients using TLS when {@code tls}. */
    static ProbeReport underWrites(String scenario, boolean tls, Supplier<String> event) throws SQLException {
        WriteProbe.createTable(cluster);
        try (WriteProbe probe = WriteProbe.start(scenario, proxy.name(), tls)) {
            probe.awaitAcknowledged(WARM_UP_ACKS, Duration.ofSeconds(30));
            probe.mark(scenario);
            String newLeader = event.get();
            probe.mark("returned");
            probe.awaitAcknowledgedBy(LocalCluster.address(newLeader), SETTLED_ACKS, WRITES_RESUME_BOUND);
            return probe.stopAndCountLost(cluster, newLeader);
        }
    }

    /**
     * A copy of {@code cfg} (under target/e2e) whose global section also opens a runtime socket, at
     * level admin, where the cluster's Patroni hooks look for Pointsman ({@link LocalCluster#hookSockets});
     * mode 666: the hooks run as the postgres user.
     */
    static java.nio.file.Path withHookSocket(java.nio.file.Path cfg, String name) {
        try {
            java.nio.file.Path sock = LocalCluster.hookSockets().resolve(name + ".sock");
            String text = java.nio.file.Files.readString(cfg);
            if (!text.startsWith("global\n")) {
                throw new IllegalStateException(cfg + " does not start with its global section");
            }
            java.nio.file.Path out = E2eDirs.output().resolve(name + "-hooks.cfg");
            java.nio.file.Files.writeString(out, text.replaceFirst("global\n",
                    "global\n    stats socket " + sock + " mode 666 level admin\n"));
            return out;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** The two promises of the primary port: no write reaches a replica, no acknowledged write is lost. */
    static void assertNoMisroutedWriteAndNoLostRow(ProbeReport report) {
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(report.misrouted()).as("writes sent to a node in recovery (%s)", report.summary()).isZero();
        soft.assertThat(report.lost()).as("acknowledged rows missing on the new primary (%s)", report.summary())
                .isEmpty();
        soft.assertAll();
    }
}
