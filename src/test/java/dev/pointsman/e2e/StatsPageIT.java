package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.testing.RealCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;
import org.jsoup.select.Elements;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The stats page on 7000 as a browser shows it: Pointsman with the reference configuration, the
 * page rendered by headless Chromium, its screenshot kept (target/e2e/stats-before.png,
 * stats-after.png) and its DOM read after rendering, before and after a planned switchover. The
 * primary table shows the leader UP and the two replicas as STANDBY (replica), in calm colours, not
 * the red DOWN HAProxy paints them; the standby table shows the replicas UP and the leader as
 * STANDBY (primary); each row carries the node's Patroni role, state and timeline.
 */
class StatsPageIT extends ClusterScenario {
    static final URI PAGE = URI.create("http://" + LocalCluster.PROXY_HOST + ":" + LocalCluster.STATS_PORT + "/");
    static final URI CSV = URI.create(PAGE + ";csv");
    /**
     * After routing is steady, or after a switchover returned: checks every 3 s, rise 2, fall 3; a
     * replica's new timeline reaches the other members' /cluster only through Patroni's loops
     * (loop_wait 10 s here: its own, then theirs), and each backend's view may read another member.
     */
    static final Duration PAGE_SETTLES = Duration.ofSeconds(60);
    /** How long Patroni's own /cluster may take to list every member on the new timeline. */
    static final Duration PATRONI_SETTLES = Duration.ofMinutes(3);
    static final List<String> PROXIES = List.of("primary", "standby");

    private static HeadlessChromium chromium;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @BeforeAll
    static void browserAndProxy() {
        chromium = HeadlessChromium.assumeInstalledOrFailInCi();
        proxy = ProxyProcess.pointsman(E2eDirs.referenceConfig()).start("stats-page"); // the page is Pointsman's
        awaitSteadyRouting();
    }

    @Test
    void pageShowsEachNodeWithItsPatroniRoleBeforeAndAfterASwitchover() {
        // Given a steady cluster, the page as rendered
        String leader = cluster.leader();
        awaitPageReflects(leader, 0);
        Document before = render("stats-before", leader);
        assertPageShows(before, leader);
        long timelineBefore = timeline(before, "primary", leader);

        // When a planned switchover completes
        LocalCluster.Switchover switchover = cluster.switchover();
        assertThat(switchover.oldLeader()).as("the leader the switchover demoted").isEqualTo(leader);
        String newLeader = switchover.newLeader();

        // Then, once Patroni itself lists every member on the new timeline (a replica's member key
        // can lag its own timeline by a minute after an etcd outage: CI, 2026-12-01, after EtcdDownIT),
        // the page follows: the new leader, the old one among the replicas, a newer timeline
        awaitPatroniAgrees(timelineBefore);
        awaitPageReflects(newLeader, timelineBefore);
        Document after = render("stats-after", newLeader);
        assertPageShows(after, newLeader);
        assertThat(timeline(after, "primary", newLeader)).as("the new leader's timeline after the switchover")
                .isGreaterThan(timelineBefore);
    }

    // ---------------------------------------------------------------------------------------------
    // What each row must show

    /**
     * One server row as expected: its {@code data-standing}, HAProxy's status ({@code data-status}),
     * the text of its status cell, its colour classes and its Patroni role.
     */
    record Expected(String standing, String status, String label, List<String> classes, String patroniRole) {}

    static Expected expected(String proxy, String node, String leader) {
        boolean isLeader = node.equals(leader);
        if (proxy.equals("primary")) {
            return isLeader
                    ? new Expected("UP", "UP", "UP", List.of("tone-up"), "primary")
                    : new Expected("STANDBY", "DOWN", "STANDBY (replica)", List.of("tone-standby", "role-replica"), "replica");
        }
        return isLeader
                ? new Expected("STANDBY", "DOWN", "STANDBY (primary)", List.of("tone-standby", "role-primary"), "primary")
                : new Expected("UP", "UP", "UP", List.of("tone-up"), "replica");
    }

    // ---------------------------------------------------------------------------------------------
    // Waiting on the CSV until the page has what the test expects, before rendering it

    /**
     * Polls {@code ;csv} (bounded by {@link #PAGE_SETTLES}) until every server row is as
     * {@link #expected} for {@code leader}, with Patroni state running, and every node on the
     * leader's timeline, which is greater than {@code timelineAbove}.
     */
    /** Waits (bounded by {@link #PATRONI_SETTLES}) until every member's /cluster lists every member above {@code timelineAbove}. */
    private static void awaitPatroniAgrees(long timelineAbove) {
        long t0 = System.nanoTime();
        AtomicReference<Object> last = new AtomicReference<>();
        try {
            Awaitility.await().atMost(PATRONI_SETTLES).pollInterval(Duration.ofMillis(500)).until(() -> {
                var seen = RealCluster.timelines();
                last.set(seen);
                return !seen.isEmpty() && seen.values().stream().allMatch(m -> m.size() == LocalCluster.NODES.size()
                        && m.values().stream().allMatch(t -> t > timelineAbove));
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("within " + PATRONI_SETTLES + " Patroni's /cluster did not list every member above"
                    + " timeline " + timelineAbove + " (not Pointsman's doing): " + last.get(), e);
        }
        System.out.printf("[stats page] Patroni listed every member on the new timeline %.1f s after the switchover returned%n",
                (System.nanoTime() - t0) / 1e9);
    }

    private void awaitPageReflects(String leader, long timelineAbove) {
        AtomicReference<List<String>> lastMisses = new AtomicReference<>(List.of("no CSV read yet"));
        try {
            Awaitility.await().atMost(PAGE_SETTLES).pollInterval(Duration.ofMillis(500)).until(() -> {
                List<String> misses = csvMisses(leader, timelineAbove);
                lastMisses.set(misses);
                return misses.isEmpty();
            });
        } catch (ConditionTimeoutException e) {
            throw new AssertionError("within " + PAGE_SETTLES + ", the stats CSV did not show " + leader
                    + " as the leader (timeline above " + timelineAbove + "); last differences:\n  "
                    + String.join("\n  ", lastMisses.get()), e);
        }
    }

    private List<String> csvMisses(String leader, long timelineAbove) {
        Map<String, Map<String, String>> rows;
        try {
            rows = csvRows();
        } catch (IOException | RuntimeException e) {
            return List.of(CSV + ": " + e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of("interrupted");
        }
        List<String> misses = new ArrayList<>();
        String leaderTimeline = rows.getOrDefault("primary/" + leader, Map.of()).getOrDefault("patroni_timeline", "");
        if (leaderTimeline.isEmpty() || Long.parseLong(leaderTimeline) <= timelineAbove) {
            misses.add("primary/" + leader + ": timeline '" + leaderTimeline + "' (expected: above " + timelineAbove + ")");
        }
        for (String px : PROXIES) {
            for (String node : LocalCluster.NODES) {
                Map<String, String> row = rows.get(px + "/" + node);
                if (row == null) {
                    misses.add(px + "/" + node + ": no row");
                    continue;
                }
                Expected want = expected(px, node, leader);
                String got = row.get("standing") + " " + row.get("status") + " '" + row.get("standing_desc") + "' "
                        + row.get("patroni_role") + "/" + row.get("patroni_state") + " tl " + row.get("patroni_timeline");
                if (!want.standing().equals(row.get("standing")) || !want.status().equals(row.get("status"))
                        || !want.label().equals(row.get("standing_desc"))
                        || !want.patroniRole().equals(row.get("patroni_role"))
                        || !"running".equals(row.get("patroni_state"))
                        || !leaderTimeline.equals(row.get("patroni_timeline"))) {
                    misses.add(px + "/" + node + ": " + got + " (expected: " + want.standing() + " " + want.status()
                            + " '" + want.label() + "' " + want.patroniRole() + "/running tl " + leaderTimeline + ")");
                }
            }
        }
        return misses;
    }

    /** {@code pxname/svname} → field → value, for the server rows of the CSV. */
    private Map<String, Map<String, String>> csvRows() throws IOException, InterruptedException {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(CSV).timeout(Duration.ofSeconds(3)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException("status " + r.statusCode());
        }
        List<String> lines = r.body().lines().toList();
        if (lines.isEmpty() || !lines.get(0).startsWith("# ")) {
            throw new IOException("no '# ' header line");
        }
        List<String> names = Arrays.asList(lines.get(0).substring(2).split(",", -1));
        Map<String, Map<String, String>> rows = new HashMap<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] values = line.split(",", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < names.size() && i < values.length; i++) {
                row.put(names.get(i), values[i]);
            }
            String sv = row.getOrDefault("svname", "");
            if (!sv.equals("FRONTEND") && !sv.equals("BACKEND")) {
                rows.put(row.get("pxname") + "/" + sv, row);
            }
        }
        return rows;
    }

    // ---------------------------------------------------------------------------------------------
    // The page in the browser

    /**
     * A screenshot to target/e2e/LABEL.png, then the DOM after rendering, kept as LABEL.html and
     * parsed. Fails at once, saying so, when the cluster's leader is no longer {@code leader}
     * afterwards: someone else switched over meanwhile, and the page cannot be judged.
     */
    private static Document render(String label, String leader) {
        Path png = chromium.screenshot(PAGE, E2eDirs.output().resolve(label + ".png"));
        String dom = chromium.dumpDom(PAGE, label);
        String now = cluster.leader();
        if (!now.equals(leader)) {
            throw new AssertionError("the cluster's leader changed from " + leader + " to " + now + " while " + label
                    + " was rendered: something else acts on the cluster (another e2e run?); see Patroni's logs");
        }
        Path html = E2eDirs.output().resolve(label + ".html");
        try {
            Files.writeString(html, dom, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        System.out.printf("stats page rendered by chromium: %s (DOM: %s)%n", png, html);
        return Jsoup.parse(dom, PAGE.toString());
    }

    private static void assertPageShows(Document page, String leader) {
        SoftAssertions soft = new SoftAssertions();
        Element title = page.selectFirst("h1#title");
        soft.assertThat(title).as("h1#title").isNotNull();
        if (title != null) {
            soft.assertThat(title.ownText()).as("the page's title").startsWith("Pointsman statistics");
        }
        for (String px : PROXIES) {
            Element table = page.getElementById("px-" + px);
            soft.assertThat(table).as("table#px-" + px).isNotNull();
            if (table == null) {
                continue;
            }
            List<String> ids = table.select("tbody > tr.server").eachAttr("id");
            soft.assertThat(ids).as("server rows of table#px-%s", px)
                    .containsExactlyInAnyOrderElementsOf(LocalCluster.NODES.stream().map(n -> "srv-" + px + "-" + n).toList());
            for (String node : LocalCluster.NODES) {
                Element row = table.getElementById("srv-" + px + "-" + node);
                if (row == null) {
                    continue;
                }
                Expected want = expected(px, node, leader);
                String what = "tr#srv-" + px + "-" + node + (node.equals(leader) ? " (the leader)" : " (a replica)");
                soft.assertThat(row.attr("data-standing")).as(what + " data-standing").isEqualTo(want.standing());
                soft.assertThat(row.attr("data-status")).as(what + " data-status").isEqualTo(want.status());
                soft.assertThat(row.classNames()).as(what + " classes").containsAll(want.classes())
                        .doesNotContain("tone-down");
                Element status = row.selectFirst("td.status");
                soft.assertThat(status == null ? null : status.ownText()).as(what + " td.status").isEqualTo(want.label());
                soft.assertThat(cell(table, row, "Role")).as(what + " Patroni role").isEqualTo(want.patroniRole());
                soft.assertThat(cell(table, row, "State")).as(what + " Patroni state").isEqualTo("running");
                soft.assertThat(cell(table, row, "TL")).as(what + " timeline")
                        .isEqualTo(String.valueOf(timeline(page, "primary", leader)));
            }
        }
        soft.assertAll();
    }

    /** The leader's timeline as the page's TL column shows it in {@code proxy}'s table, or -1. */
    private static long timeline(Document page, String proxy, String node) {
        Element table = page.getElementById("px-" + proxy);
        Element row = table == null ? null : table.getElementById("srv-" + proxy + "-" + node);
        String tl = row == null ? "" : cell(table, row, "TL");
        return tl.matches("\\d+") ? Long.parseLong(tl) : -1;
    }

    /**
     * The text of a row's cell under the column headed {@code title} (the second header row; the
     * first column, Name, spans both header rows). Fails when the title is not exactly one column's.
     */
    private static String cell(Element table, Element row, String title) {
        Elements headers = table.select("thead > tr:nth-child(2) > th");
        List<Integer> matches = new ArrayList<>();
        for (int i = 0; i < headers.size(); i++) {
            if (headers.get(i).text().equals(title)) {
                matches.add(i);
            }
        }
        if (matches.size() != 1) {
            throw new AssertionError("table#" + table.id() + ": expected one column headed '" + title + "', found "
                    + matches.size() + " among " + headers.eachText());
        }
        Elements cells = row.select("> td");
        int index = matches.get(0) + 1;
        return index < cells.size() ? cells.get(index).text() : null;
    }
}
