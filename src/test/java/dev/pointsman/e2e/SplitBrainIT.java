package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The partition of issue 13 under the write probe: the leader cut from etcd and the other nodes,
 * not from the proxy. Patroni 3.0.2 lets it acknowledge writes until it demotes itself
 * ({@code retry_timeout}), then promotes another node on the next timeline from the WAL that node
 * had: what the cut-off leader wrote meanwhile is thrown away. Pointsman must route no write to a
 * non-primary, and say so when that happened: the split-brain alert (WAL discarded) in its log, in
 * {@code /metrics}, and on the stats page, naming the old leader and the discarded range. When
 * the probe lost nothing in a run, the alert must not fire either (no false alarm).
 */
class SplitBrainIT extends FaultScenario {
    static final Duration HOLD = Duration.ofSeconds(40);
    static final URI METRICS = URI.create("http://" + LocalCluster.PROXY_HOST + ":" + LocalCluster.STATS_PORT + "/metrics");
    static final URI PAGE = URI.create("http://" + LocalCluster.PROXY_HOST + ":" + LocalCluster.STATS_PORT + "/");
    static final Pattern COUNTER = Pattern.compile(
            "^pointsman_backend_split_brain_total\\{[^}]*\"primary\"[^}]*} ([0-9.eE+]+)$", Pattern.MULTILINE);
    static final Pattern SENT = Pattern.compile("Pointsman sent (pg-\\d) (\\d+) sessions? and (\\d+) bytes? in that window");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void proxy() {
        startProxy("split-brain");
        awaitSteadyRouting();
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void aPartitionedLeaderWhoseAcknowledgedWritesPatroniDiscardsIsReportedNamingItAndTheLostRange() throws Exception {
        assumeTrue(proxy.name().equals("pointsman"), "split-brain alerts are Pointsman's");
        int alertsBefore = splitBrainAlerts().size();
        FaultReport r = runFault(Fault.PARTITION, HOLD);

        assertRoutedOnlyToTheKeyHolder(r);
        long lostOnOldLeader = r.lostProbe().getOrDefault(r.faulted(), 0L) + r.lostSessions().getOrDefault(r.faulted(), 0L);
        List<String> all = splitBrainAlerts();
        List<String> alerts = all.subList(alertsBefore, all.size());
        double counter = counter();
        String page = get(PAGE);
        System.out.printf("[split-brain] lost on %s: %d (probe %s, sessions %s); alerts: %s%n", r.faulted(),
                lostOnOldLeader, r.lostProbe(), r.lostSessions(), alerts);

        SoftAssertions soft = new SoftAssertions();
        if (lostOnOldLeader > 0) {
            soft.assertThat(alerts).as("the log's split-brain alert naming the old leader %s and the discarded WAL (%s)",
                    r.faulted(), r.summary()).anySatisfy(a -> assertThat(a)
                            .containsPattern(r.faulted() + " had written timeline \\d+ as primary up to at least [0-9A-F]+/[0-9A-F]+")
                            .containsPattern("those [1-9]\\d* bytes of WAL"));
            alerts.stream().map(SENT::matcher).filter(Matcher::find).filter(m -> m.group(1).equals(r.faulted()))
                    .findFirst().ifPresentOrElse(
                            m -> soft.assertThat(Long.parseLong(m.group(2)))
                                    .as("sessions Pointsman counted on %s in the window, against the probe's rows lost"
                                            + " there (one session each)", r.faulted())
                                    .isGreaterThanOrEqualTo(r.lostProbe().getOrDefault(r.faulted(), 0L)),
                            () -> soft.fail("no count of what Pointsman sent %s in the alerts %s", r.faulted(), alerts));
            soft.assertThat(counter).as("pointsman_backend_split_brain_total of backend primary").isGreaterThanOrEqualTo(1);
            soft.assertThat(page).as("the stats page's alert block").contains("id=\"alert-primary\"")
                    .containsPattern(r.faulted() + " had written timeline \\d+ as primary");
        } else {
            soft.assertThat(r.lost()).as("rows lost elsewhere than on the old leader (%s)", r.summary()).isZero();
            soft.assertThat(alerts).as("no acknowledged write was lost, so no alert (%s)", r.summary()).isEmpty();
            soft.assertThat(counter).as("pointsman_backend_split_brain_total of backend primary").isZero();
            soft.assertThat(page).doesNotContain("id=\"alert-primary\"");
        }
        soft.assertAll();
    }

    private double counter() throws Exception {
        Matcher m = COUNTER.matcher(get(METRICS));
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    private String get(URI uri) throws Exception {
        HttpResponse<String> res = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(res.statusCode()).as("GET %s", uri).isEqualTo(200);
        return res.body();
    }
}
