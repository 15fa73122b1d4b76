package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Issue 15: polling Patroni less while the etcd watch holds costs no reaction time. Pointsman with
 * what docs/INSTANCES.md recommends for many instances, the etcd watch
 * ({@code examples/patroni-pointsman.cfg}) plus {@code downinter 15s} on the primary pool (its
 * replicas, DOWN there, checked every 15 s), is left alone until both backends poll the cluster
 * view at the calm pace (every 5 s; its log says so); then a planned switchover under
 * the write probe: no write misrouted or lost, and the new leader acknowledged a write within
 * {@link #FIRST_WRITE_BOUND} of Patroni's "promoted self to leader" (about 0.13 s with the watch,
 * docs/SWITCHOVER.md; a poller that waited for its next calm round would take up to 5 s).
 * Pointsman only.
 */
class CalmSwitchoverIT extends ClusterScenario {
    static final Duration FIRST_WRITE_BOUND = Duration.ofSeconds(1);
    static final Duration CALM_BOUND = Duration.ofSeconds(90);
    static final List<String> BACKENDS = List.of("primary", "standby");

    @BeforeAll
    static void proxy() {
        Assumptions.assumeTrue("pointsman".equalsIgnoreCase(System.getProperty("e2e.proxy", "pointsman").trim()),
                "the calm pace is Pointsman's");
        proxy = ProxyProcess.pointsman(manyInstancesConfig()).start("calm-switchover");
        awaitSteadyRouting();
    }

    @Test
    void aSwitchoverWhileTheViewIsPolledCalmlyIsFollowedWithinASecondOfThePromotion() throws Exception {
        Awaitility.await("both backends' cluster view at the calm pace").atMost(CALM_BOUND)
                .pollInterval(Duration.ofMillis(500)).until(() -> BACKENDS.stream().allMatch(this::calm));
        WriteProbe.createTable(cluster);
        ProbeReport report;
        String newLeader;
        Instant promoted;
        long promotedNanos;
        List<WriteProbe.Attempt> attempts;
        try (WriteProbe probe = WriteProbe.start("calm switchover", proxy.name())) {
            probe.awaitAcknowledged(WARM_UP_ACKS, Duration.ofSeconds(30));
            SoftAssertions.assertSoftly(s -> BACKENDS.forEach(b -> s.assertThat(calm(b))
                    .as("backend %s still calm when the switchover starts", b).isTrue()));
            long t0 = System.nanoTime();
            Instant before = Instant.now();
            probe.mark("switchover");
            newLeader = cluster.switchover().newLeader();
            probe.mark("returned");
            promoted = PatroniLog.of(newLeader).awaitFirst(PatroniLog.PROMOTED, before.minusSeconds(1),
                    Duration.ofSeconds(15));
            promotedNanos = t0 + Duration.between(before, promoted).toNanos();
            probe.awaitAcknowledgedBy(LocalCluster.address(newLeader), SETTLED_ACKS, WRITES_RESUME_BOUND);
            report = probe.stopAndCountLost(cluster, newLeader);
            attempts = probe.attempts();
        }

        String address = LocalCluster.address(newLeader);
        double firstWrite = attempts.stream().filter(a -> a.ok() && address.equals(a.server())
                        && a.endNanos() >= promotedNanos).mapToLong(WriteProbe.Attempt::endNanos).min()
                .stream().mapToDouble(n -> (n - promotedNanos) / 1e9).findFirst().orElse(Double.NaN);
        System.out.printf("[calm switchover] first write acknowledged by %s %.2f s after its promotion (%s)%n",
                newLeader, firstWrite, promoted);
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(report.misrouted()).as("writes sent to a node in recovery (%s)", report.summary()).isZero();
        soft.assertThat(report.lost()).as("acknowledged rows missing (%s)", report.summary()).isEmpty();
        soft.assertThat(firstWrite).as("seconds from %s's promotion to its first acknowledged write (%s)", newLeader,
                report.summary()).isLessThanOrEqualTo(FIRST_WRITE_BOUND.toMillis() / 1000.0);
        soft.assertAll();
    }

    /** examples/patroni-pointsman.cfg with {@code downinter 15s} on the primary pool's default-server line. */
    static Path manyInstancesConfig() {
        try {
            String text = Files.readString(E2eDirs.home().resolve("examples/patroni-pointsman.cfg"));
            int primary = text.indexOf("listen primary");
            int line = text.indexOf("default-server", primary);
            int end = text.indexOf('\n', line);
            assertThat(primary).as("listen primary").isNotNegative();
            assertThat(line).as("its default-server line").isGreaterThan(primary);
            Path cfg = E2eDirs.output().resolve("calm-switchover.cfg");
            Files.writeString(cfg, text.substring(0, end) + " downinter 15s" + text.substring(end));
            return cfg;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The backend's last pace line says calm (ViewLog). */
    private boolean calm(String backend) {
        String log = proxy.log();
        int calm = log.lastIndexOf("backend '" + backend + "': etcd watch established and nothing changed");
        int again = log.lastIndexOf("backend '" + backend + "': cluster view polled every");
        return calm >= 0 && calm > again;
    }
}
