package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.parse.ConfigParser;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** The switchover report in the outputs: its fields in CSV and metrics, its table on the page. */
class SwitchoverReportStatsTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Map<String, Backend> backends = new LinkedHashMap<>();
    private final Stats stats;

    SwitchoverReportStatsTest() throws Exception {
        Config config = ConfigParser.system().parse("report.cfg", """
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                backend primary
                    server pg-1 127.0.0.1:5432 check
                    server pg-2 127.0.0.1:5433 check
                backend replicas
                    server pg-1 127.0.0.1:5432 check
                    server pg-2 127.0.0.1:5433 check
                """);
        EmbeddedChannel owner = new EmbeddedChannel();
        for (Proxy p : config.proxies()) {
            backends.put(p.name(), new Backend(p, nanos::get, owner.eventLoop()));
        }
        stats = new Stats(config, backends, List.of(), PatroniView.NONE, nanos::get);
    }

    /** {@code n} changes of primary on the primary pool, each with a gap of 1.5 s; the replica pool flips untracked. */
    private void changes(int n) {
        Backend b = backends.get("primary");
        b.primaryChanges().track();
        Backend replicas = backends.get("replicas");
        Server primary = b.server("pg-1").orElseThrow();
        b.setOpState(primary, Server.OpState.UP);
        replicas.setOpState(replicas.server("pg-1").orElseThrow(), Server.OpState.UP);
        for (int i = 0; i < n; i++) {
            Server next = b.server(primary.name().equals("pg-1") ? "pg-2" : "pg-1").orElseThrow();
            b.setOpState(primary, Server.OpState.DOWN);
            nanos.addAndGet(Duration.ofMillis(1500).toNanos());
            b.setOpState(next, Server.OpState.UP);
            replicas.setOpState(replicas.server(primary.name()).orElseThrow(), Server.OpState.DOWN);
            replicas.setOpState(replicas.server(next.name()).orElseThrow(), Server.OpState.UP);
            primary = next;
        }
    }

    @Test
    void metricsCountThePrimaryChangesOfAPrimaryPoolAndGiveTheLastGapInSeconds() {
        changes(2);

        String metrics = PromOutput.render(stats.collect());

        assertThat(metrics).contains("# TYPE pointsman_backend_primary_changes_total counter")
                .contains("pointsman_backend_primary_changes_total{proxy=\"primary\"} 2")
                .contains("pointsman_backend_primary_last_gap_seconds{proxy=\"primary\"} 1.5")
                .contains("pointsman_backend_primary_last_held_sessions{proxy=\"primary\"} 0")
                .doesNotContain("pointsman_backend_primary_changes_total{proxy=\"replicas\"}");
    }

    @Test
    void theCsvCarriesTheLastChangeInPointsmansOwnColumns() {
        changes(1);

        List<String> csv = CsvOutput.render(stats.collect()).lines().toList();
        List<String> header = List.of(csv.get(0).substring(2).split(",", -1));
        String[] primary = csv.stream().filter(l -> l.startsWith("primary,BACKEND,")).findFirst().orElseThrow()
                .split(",", -1);
        String[] replicas = csv.stream().filter(l -> l.startsWith("replicas,BACKEND,")).findFirst().orElseThrow()
                .split(",", -1);

        assertThat(primary[header.indexOf("primary_changes")]).isEqualTo("1");
        assertThat(primary[header.indexOf("primary_last")]).isEqualTo("pg-1 -> pg-2 (check)");
        assertThat(primary[header.indexOf("primary_last_gap")]).isEqualTo("1500");
        assertThat(replicas[header.indexOf("primary_changes")]).as("not a primary pool").isEmpty();
    }

    @Test
    void thePageShowsTheTenNewestChangesUnderThePrimaryPool() {
        changes(12);

        String page = HtmlPage.render(stats.collect(),
                new HtmlPage.Header("/stats", Optional.empty(), Optional.empty(), 1, Optional.empty(), false));

        int start = page.indexOf("<table class=\"changes\" id=\"changes-primary\">");
        assertThat(start).isPositive();
        String table = page.substring(start, page.indexOf("</table>", start));
        assertThat(table).contains("changes of primary <small>(newest 10 of 12)</small>");
        Matcher rows = Pattern.compile("<tr class=\"(open|settled)\">").matcher(table);
        int n = 0;
        while (rows.find()) {
            n++;
        }
        assertThat(n).isEqualTo(Stats.PAGE_CHANGES);
        assertThat(table).contains("<td>pg-1</td><td>pg-2</td><td>check</td><td>1500 ms</td>");
        assertThat(page).doesNotContain("id=\"changes-replicas\"");
    }
}
