package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.backend.Veto;
import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.FakePatroni;
import dev.pointsman.testing.SyslogReceiver;
import dev.pointsman.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The frozen-leader split of issue 13 played by two fake Patroni REST APIs in front of a running
 * Pointsman: the alert reaches syslog, CSV, Prometheus and the page, a POST acknowledges it where
 * {@code stats admin} allows, and routing follows Patroni's leader throughout.
 */
class SplitBrainStatsTest {
    static final String PRIMARY_ANSWER = "HTTP/1.0 200 OK\r\nContent-Type: application/json\r\n\r\n";

    TestServer db1;
    TestServer db3;
    FakePatroni api1;
    FakePatroni api3;
    SyslogReceiver syslog;
    Pointsman proxy;

    @BeforeEach
    void start() throws Exception {
        db1 = TestServer.echo();
        db3 = TestServer.echo();
        api1 = new FakePatroni();
        api3 = new FakePatroni();
        syslog = new SyslogReceiver();
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.close();
        }
        api1.close();
        api3.close();
        db1.close();
        db3.close();
        syslog.close();
    }

    String member(String name, String role, TestServer db, FakePatroni api, long timeline) {
        return "{\"name\": \"" + name + "\", \"role\": \"" + role + "\", \"state\": \"running\", \"api_url\": \"http://127.0.0.1:"
                + api.port() + "/patroni\", \"host\": \"127.0.0.1\", \"port\": " + db.address().getPort()
                + ", \"timeline\": " + timeline + "}";
    }

    static String self(String role, long timeline) {
        return "{\"state\": \"running\", \"role\": \"" + role + "\", \"timeline\": " + timeline
                + ", \"xlog\": {\"location\": 1000}, \"database_system_identifier\": \"7712607223093953987\","
                + " \"patroni\": {\"version\": \"3.0.2\", \"scope\": \"pointsman\"}}";
    }

    /** Both APIs answer /cluster with {@code members}; {@code leader} says it is the primary on {@code timeline}. */
    void cluster(FakePatroni leader, long timeline, String... members) {
        String c = "{\"members\": [" + String.join(", ", members) + "]}";
        for (FakePatroni api : List.of(api1, api3)) {
            boolean lead = api == leader;
            api.json("/cluster", c).json("/history", "[]").json("/patroni", self(lead ? "master" : "replica", timeline))
                    .raw("/primary", ((lead ? PRIMARY_ANSWER : "HTTP/1.0 503 Service Unavailable\r\n"
                            + "Content-Type: application/json\r\n\r\n") + self(lead ? "master" : "replica", timeline))
                            .getBytes(StandardCharsets.UTF_8));
        }
    }

    Pointsman start(String statsAdmin) throws Exception {
        proxy = Pointsman.start(EphemeralPorts.of(config(statsAdmin, "")));
        return proxy;
    }

    /** The fixture's configuration; {@code primaryExtra} ends the primary section. */
    Config config(String statsAdmin, String primaryExtra) throws Exception {
        String cfg = "global\n    maxconn 100\n    log 127.0.0.1:" + syslog.port() + " local2\n"
                + "defaults\n    mode tcp\n    log global\n    timeout connect 1s\n    timeout client 30s\n"
                + "    timeout server 30s\n    timeout check 1s\n"
                + "listen stats\n    mode http\n    bind 127.0.0.1:1\n    stats enable\n    stats uri /\n" + statsAdmin
                + "listen readonly\n    mode http\n    bind 127.0.0.1:3\n    stats enable\n    stats uri /\n"
                + "listen primary\n    bind 127.0.0.1:2\n    option httpchk GET /primary\n"
                + "    http-check expect status 200\n    default-server inter 100ms fall 1 rise 1\n"
                + "    server pg-1 127.0.0.1:" + db1.address().getPort() + " check port " + api1.port() + "\n"
                + "    server pg-3 127.0.0.1:" + db3.address().getPort() + " check port " + api3.port() + "\n"
                + primaryExtra;
        return ConfigParser.system().parse("split.cfg", cfg);
    }

    HttpResponse<String> send(String listen, String method, String path) throws Exception {
        int port = proxy.statsAddresses(listen).get(0).getPort();
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).timeout(Duration.ofSeconds(5)).build();
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .send(r, HttpResponse.BodyHandlers.ofString());
    }

    String get(String path) throws Exception {
        HttpResponse<String> r = send("stats", "GET", path);
        assertThat(r.statusCode()).isEqualTo(200);
        return r.body();
    }

    /** One session through the primary port: {@code text} there and back. */
    void write(String text) throws Exception {
        int port = proxy.frontend("primary").orElseThrow().boundAddresses().get(0).getPort();
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            assertThat(new String(in.readNBytes(text.length()), StandardCharsets.US_ASCII)).isEqualTo(text);
        }
    }

    static String backendCsv(String csv, String field) {
        List<String> lines = csv.lines().toList();
        List<String> names = Arrays.asList(lines.get(0).substring(2).split(","));
        return lines.stream().skip(1).map(l -> Arrays.asList(l.split(",", -1)))
                .filter(r -> r.get(0).equals("primary") && r.get(1).equals("BACKEND")).findFirst().orElseThrow()
                .get(names.indexOf(field));
    }

    @Test
    void aLeaderBackOnItsOldTimelineIsAlertedCountedShownAndAcknowledgedWhileRoutingFollowsPatroni() throws Exception {
        // Given pg-1 leading timeline 18, pg-3 its replica, and a stats page that localhost may act on
        cluster(api1, 18, member("pg-1", "leader", db1, api1, 18), member("pg-3", "replica", db3, api3, 18));
        start("    stats admin if LOCALHOST\n");
        Backend primary = proxy.backends().get("primary");
        Server pg1 = primary.server("pg-1").orElseThrow();
        Server pg3 = primary.server("pg-3").orElseThrow();
        await().atMost(Duration.ofSeconds(10)).until(() -> pg1.usable() && !pg3.usable());
        assertThat(backendCsv(get("/;csv"), "split_brain")).isEqualTo("0");

        // When pg-1 freezes, pg-3 is promoted to 19 and takes writes through Pointsman
        cluster(api3, 19, member("pg-3", "leader", db3, api3, 19));
        api1.raw("/cluster", "HTTP/1.0 503 Service Unavailable\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        // (a fresh view of pg-3 leading, not the checks alone while the view is stale: it vetoes pg-1)
        await().atMost(Duration.ofSeconds(10)).until(() -> pg3.usable() && pg1.vetoOf(Veto.VIEW).isPresent());
        write("INSERT INTO t VALUES (1)");
        // and pg-1 resumes and takes the leader key back on timeline 18
        cluster(api1, 18, member("pg-1", "leader", db1, api1, 18), member("pg-3", "replica", db3, api3, 19));

        // Then the alert is logged at level alert to the log targets
        await().atMost(Duration.ofSeconds(10)).until(() -> syslog.lines.stream().anyMatch(l -> l.startsWith("<145>")
                && l.contains("backend 'primary': ALERT: split brain in Patroni cluster 'pointsman': leader pg-1 runs on"
                + " timeline 18 after pg-3 led timeline 19 (from ")));
        assertThat(syslog.lines).filteredOn(l -> l.contains("ALERT: split brain")).singleElement().asString()
                .contains("Pointsman sent pg-3 1 session and 24 bytes in that window");
        // routing follows Patroni's leader: pg-1 again
        await().atMost(Duration.ofSeconds(10)).until(() -> pg1.usable() && !pg3.usable());
        // CSV, Prometheus and the page carry it
        String csv = get("/;csv");
        assertThat(backendCsv(csv, "split_brain")).isEqualTo("1");
        assertThat(backendCsv(csv, "split_brain_unacked")).isEqualTo("1");
        assertThat(backendCsv(csv, "split_brain_last")).startsWith("split brain in Patroni cluster 'pointsman'");
        assertThat(backendCsv(csv, "split_brain_last_at")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        PromText metrics = PromText.parse(send("stats", "GET", "/metrics").body());
        assertThat(metrics.types).containsEntry("pointsman_backend_split_brain_total", "counter")
                .containsEntry("pointsman_backend_split_brain_unacknowledged", "gauge");
        assertThat(metrics.value("pointsman_backend_split_brain_total", "proxy", "primary")).isEqualTo(1);
        assertThat(metrics.value("pointsman_backend_split_brain_unacknowledged", "proxy", "primary")).isEqualTo(1);
        String page = get("/");
        assertThat(page).contains("<div class=\"alert\" role=\"alert\" id=\"alert-primary\">")
                .contains("leader pg-1 runs on timeline 18 after pg-3 led timeline 19")
                .contains("<form method=\"post\" action=\"/;ack-alerts=primary\">");

        // When a section without stats admin is asked to acknowledge: refused, and the alert stays
        HttpResponse<String> refused = send("readonly", "POST", "/;ack-alerts");
        assertThat(refused.statusCode()).isEqualTo(403);
        assertThat(send("readonly", "GET", "/").body()).contains("id=\"alert-primary\"")
                .doesNotContain("<form method=\"post\"").contains("Acknowledge with <code>POST /;ack-alerts=primary</code>");
        // When localhost acknowledges on the admin section
        HttpResponse<String> acked = send("stats", "POST", "/;ack-alerts=primary");

        // Then it is answered once applied: the page no longer shows it, the count stays
        assertThat(acked.statusCode()).isEqualTo(303);
        assertThat(acked.headers().firstValue("Location")).hasValue("/");
        assertThat(acked.body()).isEqualTo("1 alert acknowledged in backend 'primary'\n");
        assertThat(get("/")).doesNotContain("id=\"alert-primary\"");
        metrics = PromText.parse(send("stats", "GET", "/metrics").body());
        assertThat(metrics.value("pointsman_backend_split_brain_total", "proxy", "primary")).isEqualTo(1);
        assertThat(metrics.value("pointsman_backend_split_brain_unacknowledged", "proxy", "primary")).isEqualTo(0);
    }

    /**
     * pg-1 leading timeline 18 and confirmed by the view, then its /patroni failing (as a frozen
     * node's, or a sick REST API's) until the view doubts it; returns pg-1 of the primary backend.
     */
    Server doubtedLeader() throws Exception {
        cluster(api1, 18, member("pg-1", "leader", db1, api1, 18), member("pg-3", "replica", db3, api3, 18));
        start("");
        Server pg1 = proxy.backends().get("primary").server("pg-1").orElseThrow();
        // confirmed by the view first: an unconfirmed leader whose /patroni fails is vetoed, not doubted
        await().atMost(Duration.ofSeconds(10)).until(() -> pg1.usable() && api1.count("/patroni") >= 2);
        api1.raw("/patroni", "HTTP/1.0 500 Internal Server Error\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        await().atMost(Duration.ofSeconds(10)).until(() -> pg1.doubt() != null);
        return pg1;
    }

    @Test
    void aReloadThatTurnsThePatroniViewOffEndsTheViewsDoubtOfTheLeader() throws Exception {
        // Given pg-1 leading, its /patroni failing: the view doubts it
        Server pg1 = doubtedLeader();

        // When a reload turns the view off (the servers kept)
        proxy.reload(EphemeralPorts.of(config("", "    patroni-view off\n")));

        // Then no view is left to doubt it: the doubt ends (it would otherwise move sessions off a healthy server for good)
        await().atMost(Duration.ofSeconds(5)).until(() -> pg1.doubt() == null);
        assertThat(proxy.backends().get("primary").server("pg-1").orElseThrow().doubt()).isNull();
        write("still served");
    }

    @Test
    void aDoubtStandsWhileTheViewIsStale() throws Exception {
        // FreezeLeaderIT: the frozen leader's doubt ended when the view went stale (the old
        // leader's API and /cluster unanswered), and a session that had left it went back, 10 s on it
        Server pg1 = doubtedLeader();

        // When no API answers /cluster any more: the view goes stale (3 intervals of 1 s)
        for (FakePatroni api : List.of(api1, api3)) {
            api.raw("/cluster", "HTTP/1.0 503 Service Unavailable\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        Thread.sleep(5000);

        // Then the view that cannot see does not take the doubt back
        assertThat(pg1.doubt()).as("the doubt of pg-1 with the view stale").isNotNull();
    }
}
