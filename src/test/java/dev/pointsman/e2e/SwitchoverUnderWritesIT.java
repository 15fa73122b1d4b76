package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A planned switchover, then a second one back to the former leader, each under the write probe
 * (a new connection and an INSERT every 50 ms through 5000): no write may reach a replica, and
 * every acknowledged row must be on the new primary afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SwitchoverUnderWritesIT extends ClusterScenario {
    private static String formerLeader;

    @BeforeAll
    static void proxy() {
        startProxy("switchover");
        awaitSteadyRouting();
    }

    @Test
    @Order(1)
    void plannedSwitchoverSendsNoWriteToAReplicaAndLosesNoAcknowledgedRow() throws Exception {
        formerLeader = cluster.leader();

        ProbeReport report = underWrites("switchover", () -> cluster.switchover().newLeader());

        assertThat(cluster.leader()).isNotEqualTo(formerLeader);
        assertNoMisroutedWriteAndNoLostRow(report);
    }

    @Test
    @Order(2)
    void switchoverBackToTheFormerLeaderSendsNoWriteToAReplicaAndLosesNoAcknowledgedRow() throws Exception {
        String back = formerLeader != null && !formerLeader.equals(cluster.leader())
                ? formerLeader
                : cluster.replicas().get(0);

        ProbeReport report = underWrites("switchover back", () -> cluster.switchover(back).newLeader());

        assertThat(cluster.leader()).isEqualTo(back);
        assertNoMisroutedWriteAndNoLostRow(report);
    }

    @Test
    @Order(3)
    void theSwitchoverReportListsBothChangesOfPrimary() throws Exception {
        org.junit.jupiter.api.Assumptions.assumeTrue(
                "pointsman".equalsIgnoreCase(System.getProperty("e2e.proxy", "pointsman").trim()),
                "the switchover report is Pointsman's own");
        String last = cluster.leader();
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder()
                .connectTimeout(java.time.Duration.ofSeconds(2)).build();
        java.net.http.HttpRequest get = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:7000/;csv")).timeout(java.time.Duration.ofSeconds(5)).build();
        // a change is recorded when the new primary takes over; both switchovers are over by now
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
            String csv = http.send(get, java.net.http.HttpResponse.BodyHandlers.ofString()).body();
            String[] header = csv.lines().findFirst().orElseThrow().substring(2).split(",", -1);
            String[] row = csv.lines().filter(l -> l.startsWith("primary,BACKEND,")).findFirst().orElseThrow()
                    .split(",", -1);
            java.util.List<String> names = java.util.List.of(header);
            assertThat(row[names.indexOf("primary_changes")]).isEqualTo("2");
            assertThat(row[names.indexOf("primary_last")]).contains("-> " + last + " (");
        });
    }

    @Test
    @Order(4)
    void cleanSwitchoversRaiseNoSplitBrainAlert() {
        org.junit.jupiter.api.Assumptions.assumeTrue(proxy.name().equals("pointsman"), "split-brain alerts are Pointsman's");
        // two timelines forked with the old leader's WAL all streamed: no rule may fire (no false alarm)
        assertThat(proxy.log().lines().filter(l -> l.contains("ALERT: split brain")).toList()).isEmpty();
    }
}
