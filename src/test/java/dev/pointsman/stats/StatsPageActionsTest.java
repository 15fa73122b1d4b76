package dev.pointsman.stats;

import static dev.pointsman.stats.NettyHttpClient.basic;
import static dev.pointsman.stats.NettyHttpClient.post;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.stats.NettyHttpClient.Answer;
import dev.pointsman.stats.NettyHttpClient.Exchange;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The page's server actions of HAProxy 2.6 on a running Pointsman, driven by a Netty client: section
 * {@code stats} has {@code stats admin if TRUE}, section {@code readonly} has none; backend
 * {@code primary} is proxy #3 with pg-1 (UP) and pg-2 (DOWN). A POST applies through the runtime
 * API's path and is answered 303 to {@code /;st=CODE}, as HAProxy answers it.
 */
class StatsPageActionsTest {
    static final String AUTH = basic("admin", "secret");

    StatsFixture fx;
    NettyHttpClient admin;
    NettyHttpClient readonly;
    Backend primary;

    @BeforeEach
    void start() throws Exception {
        fx = new StatsFixture("", "    stats admin if TRUE\n"
                + "listen readonly\n    mode http\n    bind 127.0.0.1:3\n    stats enable\n    stats uri /\n");
        admin = new NettyHttpClient(fx.statsPort);
        readonly = new NettyHttpClient(fx.proxy.statsAddresses("readonly").get(0).getPort());
        primary = fx.proxy.backends().get("primary");
        await().atMost(Duration.ofSeconds(5)).until(() -> server("pg-1").usable());
    }

    @AfterEach
    void stop() {
        admin.close();
        readonly.close();
        fx.close();
    }

    Server server(String name) {
        return primary.server(name).orElseThrow();
    }

    /** Posts {@code body} to {@code path} on the admin section; the one answer, after which the server closed. */
    Answer act(String path, String body) throws Exception {
        Exchange e = admin.send(post(path, AUTH, body));
        assertThat(e.closedByServer()).as("one request per connection").isTrue();
        return e.only();
    }

    String page(NettyHttpClient client, String path) throws Exception {
        Answer a = client.send("GET " + path + " HTTP/1.1\r\nHost: stats\r\n" + AUTH + "\r\n").only();
        assertThat(a.status()).isEqualTo(200);
        return a.body();
    }

    @Test
    void anAdminPageHasHaproxysFormPerBackendWithACheckboxPerServer() throws Exception {
        String html = page(admin, "/");

        assertThat(html).contains("<form method=\"post\" action=\"/\" class=\"actions\" id=\"actions-primary\">")
                .contains("<input class=\"primary-checkbox\" type=\"checkbox\" name=\"s\" value=\"pg-1\">")
                .contains("<input class=\"primary-checkbox\" type=\"checkbox\" name=\"s\" value=\"pg-2\">")
                .contains("<select name=\"action\"><option value=\"\"></option><option value=\"ready\">Set state to READY</option>"
                        + "<option value=\"drain\">Set state to DRAIN</option><option value=\"maint\">Set state to MAINT</option>"
                        + "<option value=\"shutdown\">Kill Sessions</option></select>")
                .contains("<input type=\"hidden\" name=\"b\" value=\"primary\">")
                .doesNotContain("id=\"actions-stats\"").doesNotContain("id=\"actions-readonly\"");
        assertThat(page(readonly, "/")).doesNotContain("<form").doesNotContain("type=\"checkbox\"");
    }

    @Test
    void maintFromThePageTakesTheServersOutAndReadyBringsThemBackAsTheRuntimeApiDoes() throws Exception {
        // When the form is posted as a browser posts it: servers first, then action and backend
        Answer maint = act("/", "s=pg-1&s=pg-2&action=maint&b=%233");

        // Then it is answered once in force, HAProxy's way, and the page says so
        assertThat(maint.status()).isEqualTo(303);
        assertThat(maint.header("Location")).hasValue("/;st=DONE");
        assertThat(maint.body()).isEmpty();
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.MAINT);
        assertThat(server("pg-2").adminState()).isEqualTo(Server.AdminState.MAINT);
        assertThat(primary.activeUsable()).isZero();
        String html = page(admin, "/;st=DONE");
        assertThat(html).contains("data-status=\"DONE\"").contains("Action processed successfully.")
                .contains("id=\"srv-primary-pg-1\" class=\"server tone-maint\"");

        // When drain, then ready, by the backend's name
        assertThat(act("/", "s=pg-1&action=drain&b=primary").header("Location")).hasValue("/;st=DONE");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.DRAIN);
        assertThat(act("/", "s=pg-1&s=pg-2&action=ready&b=primary").header("Location")).hasValue("/;st=DONE");

        // Then both are READY again and pg-1 takes sessions
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(server("pg-2").adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(primary.activeUsable()).isEqualTo(1);
    }

    @Test
    void shutdownFromThePageCutsTheServersSessions() throws Exception {
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), fx.primaryPort)) {
            client.setSoTimeout(5000);
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            InputStream in = client.getInputStream();
            assertThat(in.readNBytes(4)).isEqualTo("ping".getBytes(StandardCharsets.US_ASCII));
            assertThat(server("pg-1").sessions()).isEqualTo(1);

            assertThat(act("/", "s=pg-1&action=shutdown&b=%233").header("Location")).hasValue("/;st=DONE");

            assertThat(in.read()).as("the session was cut").isEqualTo(-1);
            assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
        }
    }

    @Test
    void withoutStatsAdminAPostIsDeniedAsHaproxyDeniesItAndChangesNothing() throws Exception {
        Exchange e = readonly.send(post("/", AUTH, "s=pg-1&action=maint&b=%233"));

        assertThat(e.only().status()).isEqualTo(303);
        assertThat(e.only().header("Location")).hasValue("/;st=DENY");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(page(readonly, "/;st=DENY")).contains("data-status=\"DENY\"").contains("<b>Action denied.</b>");
    }

    @Test
    void unknownBackendServerOrActionGetHaproxysStatusAndChangeNothing() throws Exception {
        assertThat(act("/", "s=pg-1&action=maint&b=nosuch").header("Location")).hasValue("/;st=ERRP");
        assertThat(act("/", "s=pg-1&action=maint&b=%2399").header("Location")).hasValue("/;st=ERRP");
        assertThat(act("/", "s=pg-1&action=explode&b=%233").header("Location")).hasValue("/;st=ERRP");
        assertThat(act("/", "s=pg-1&action=&b=%233").header("Location")).as("the empty choice").hasValue("/;st=ERRP");
        assertThat(act("/", "s=pg-1&action=hrunn&b=%233").header("Location")).as("HAProxy's, not applied")
                .hasValue("/;st=ERRP");
        assertThat(act("/", "s=nosuch&action=maint&b=%233").header("Location")).hasValue("/;st=ERRP");
        assertThat(act("/", "action=maint&b=%233").header("Location")).as("no server").hasValue("/;st=NONE");
        assertThat(act("/", "s=pg-1&b=%233").header("Location")).as("no action").hasValue("/;st=NONE");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);

        // a known and an unknown server: the known one changes, and it is PART
        assertThat(act("/", "s=pg-1&s=nosuch&action=drain&b=%233").header("Location")).hasValue("/;st=PART");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.DRAIN);
        assertThat(page(admin, "/;st=PART")).contains("Action partially processed.");
        assertThat(page(admin, "/;st=ERRP")).contains("Action not processed because of invalid parameters.");
        assertThat(page(admin, "/;st=XYZW")).contains("Unexpected result.");
    }

    @Test
    void malformedOrOversizedBodiesGetHaproxysStatusNeverAFailure() throws Exception {
        // a parameter that does not decode ends the reading there (HAProxy reads from the last)
        assertThat(act("/", "b=%233&action=maint&s=pg%zz1").header("Location")).hasValue("/;st=NONE");
        assertThat(act("/", "%%%&&&===").header("Location")).hasValue("/;st=NONE");
        assertThat(act("/", "\u00ff\u0000garbage").header("Location")).hasValue("/;st=NONE");
        assertThat(act("/", "s=pg-1&" + "x".repeat(PagePost.LINESIZE) + "&action=maint&b=%233").header("Location"))
                .as("a parameter longer than HAProxy's line").hasValue("/;st=ERRP");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);

        // a body larger than the listener takes: EXCD, closed at once, without reading it
        Exchange excd = admin.send("POST / HTTP/1.1\r\nHost: stats\r\n" + AUTH + "Content-Length: "
                + (StatsServer.MAX_REQUEST_BYTES + 1) + "\r\n\r\ns=pg-1&action=maint&b=%233&");
        assertThat(excd.closedByServer()).isTrue();
        assertThat(excd.only().status()).isEqualTo(303);
        assertThat(excd.only().header("Location")).hasValue("/;st=EXCD");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(page(admin, "/;st=EXCD")).contains("the buffer couldn't store all the data");

        // a broken request line is still 400
        assertThat(admin.send("POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n").only().status()).isEqualTo(400);
    }

    @Test
    void onlyTheFirstRequestOfAConnectionActsAndNorefreshIsKept() throws Exception {
        // Given a POST with a second one pipelined behind it
        Exchange e = admin.send(post("/;norefresh", AUTH, "s=pg-1&action=drain&b=%233")
                + post("/", AUTH, "s=pg-2&action=maint&b=%233"));

        // Then only the first was read and applied
        assertThat(e.only().header("Location")).hasValue("/;st=DONE;norefresh");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.DRAIN);
        assertThat(server("pg-2").adminState()).isEqualTo(Server.AdminState.READY);
    }

    @Test
    void withoutCredentialsAPostIsUnauthorizedBeforeAnything() throws Exception {
        Answer a = admin.send(post("/", "", "s=pg-1&action=maint&b=%233")).only();

        assertThat(a.status()).isEqualTo(401);
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
    }
}
