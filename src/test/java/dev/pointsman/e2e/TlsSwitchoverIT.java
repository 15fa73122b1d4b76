package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Planned switchovers under a write probe whose clients use TLS ({@code sslmode=require}; the
 * cluster runs PostgreSQL with ssl on). Pointsman relays TLS untouched: it sees the SSLRequest and
 * PostgreSQL's 'S', then only opaque bytes, so it cannot replay a session that the stopping leader
 * refuses inside TLS (57P03 "the database system is shutting down") as it replays a plain one.
 *
 * <p>First without Patroni's hooks: the promises that hold for any client are asserted (no write
 * reaches a replica, no acknowledged row is lost); failed attempts are printed, not asserted.
 * Then with the hooks on ({@code scripts/cluster hooks on}: before_stop drains the leader on this
 * Pointsman's runtime socket, on_role_change makes it ready again): no attempt may fail, and every
 * server is ready again afterwards. Pointsman only (the hooks speak to its runtime socket).
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class TlsSwitchoverIT extends ClusterScenario {
    private static Path socket;
    private static boolean hooksTurnedOn;

    @BeforeAll
    static void proxy() {
        Assumptions.assumeTrue("pointsman".equalsIgnoreCase(System.getProperty("e2e.proxy", "pointsman").trim()),
                "Patroni's hooks drive Pointsman's runtime socket");
        socket = LocalCluster.hookSockets().resolve("tls-switchover.sock");
        proxy = ProxyProcess.pointsman(withHookSocket(E2eDirs.referenceConfig(), "tls-switchover")).start("tls-switchover");
        awaitSteadyRouting();
    }

    @AfterAll
    static void hooksOff() {
        if (hooksTurnedOn) {
            cluster.hooks(false);
        }
    }

    @Test
    @Order(1)
    void aSwitchoverUnderTlsWritesSendsNoWriteToAReplicaAndLosesNoAcknowledgedRow() throws Exception {
        cluster.hooks(false); // whatever a previous run left
        String formerLeader = cluster.leader();
        try (var c = LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT, true)) {
            assertThat(LocalCluster.encrypted(c)).as("the probe's clients are encrypted end to end").isTrue();
        }

        ProbeReport report = underWrites("switchover, TLS clients", true, () -> cluster.switchover().newLeader());

        assertThat(cluster.leader()).isNotEqualTo(formerLeader);
        assertNoMisroutedWriteAndNoLostRow(report);
        System.out.println("[tls] without Patroni's hooks: " + report.failed() + " failed attempt(s) (not asserted: a"
                + " refusal inside TLS cannot be replayed; " + report.summary() + ")");
    }

    @Test
    @Order(2)
    void withPatroniHooksNoTlsClientFailsAndTheOldLeaderIsReadyAgain() throws Exception {
        cluster.hooks(true);
        hooksTurnedOn = true;
        String oldLeader = cluster.leader();
        Instant since = Instant.now();

        ProbeReport report = underWrites("switchover, TLS clients, Patroni hooks", true,
                () -> cluster.switchover().newLeader());

        assertThat(cluster.leader()).isNotEqualTo(oldLeader);
        assertNoMisroutedWriteAndNoLostRow(report);
        assertThat(report.failed()).as("failed attempts with the hooks on (%s)", report.summary()).isZero();
        assertThat(PatroniLog.of(oldLeader).awaitFirst(
                java.util.regex.Pattern.compile("pointsman-drain: \\S+tls-switchover\\.sock: drained primary/" + oldLeader),
                since, Duration.ofSeconds(5))).as("before_stop drained the old leader").isNotNull();
        Awaitility.await("every server ready again (on_role_change)").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(250)).untilAsserted(() -> assertThat(adminStates())
                        .as("srv_admin_state of each server (show servers state)").allMatch("0"::equals));
    }

    /** The srv_admin_state column of {@code show servers state}, one per server. */
    private static List<String> adminStates() throws IOException {
        return cli("show servers state").lines().filter(l -> !l.startsWith("#")).map(l -> l.split(" "))
                .filter(f -> f.length > 6).map(f -> f[6]).toList();
    }

    /** One command on the runtime socket, as {@code socat stdio UNIX:SOCK} sends it; the answer up to the close. */
    private static String cli(String command) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
            ch.shutdownOutput();
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (ch.read(buf) >= 0 && System.nanoTime() < deadline) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
            return out.toString(StandardCharsets.US_ASCII);
        }
    }
}
