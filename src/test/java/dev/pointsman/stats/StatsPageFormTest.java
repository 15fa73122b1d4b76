package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.stats.NettyHttpClient.Answer;
import dev.pointsman.testing.EphemeralPorts;
import org.junit.jupiter.api.Test;

/**
 * What the page's form sends stays right when the page is old or was reached by another URL.
 * Backend {@code primary} is proxy #2 with pg-1 and pg-2. (Regression tests from the adversarial
 * review of the admin branch.)
 */
class StatsPageFormTest extends AdminPageTest {
    String page(String path) throws Exception {
        Answer a = admin.send("GET " + path + " HTTP/1.1\r\nHost: stats\r\n" + AUTH + "\r\n").only();
        assertThat(a.status()).isEqualTo(200);
        return a.body();
    }

    /**
     * A page rendered before a reload that inserts a section still acts on its own backend: the
     * form names the backend, where a {@code #<iid>} would now be another one with servers of the
     * same names. Failed before the fix: the page sent {@code b=#2}, and replica's pg-1 went to MAINT.
     */
    @Test
    void aFormRenderedBeforeAReloadThatRenumbersSectionsActsOnItsOwnBackend() throws Exception {
        String html = page("/");
        assertThat(html).contains("<input type=\"hidden\" name=\"b\" value=\"primary\">").doesNotContain("value=\"#");
        int echo = fx.echo.address().getPort();
        String cfg = "global\n    maxconn 200\n"
                + "defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 30s\n    timeout server 30s\n"
                + "    timeout check 1s\n"
                + "listen stats\n    mode http\n    bind 127.0.0.1:1\n    stats enable\n    stats uri /\n"
                + "    stats auth admin:secret\n    stats refresh 5s\n    stats show-node\n    stats admin if TRUE\n"
                + "listen replica\n    bind 127.0.0.1:3\n"
                + "    server pg-1 127.0.0.1:" + echo + "\n    server pg-2 127.0.0.1:" + echo + "\n"
                + "listen primary\n    bind 127.0.0.1:2\n    option httpchk GET /primary\n"
                + "    http-check expect status 200\n"
                + "    default-server inter 100ms fall 1 rise 1\n"
                + "    server pg-1 127.0.0.1:" + echo + " check port " + fx.pg1.port() + "\n"
                + "    server pg-2 127.0.0.1:" + echo + " check port " + fx.pg2.port() + "\n";
        assertThat(fx.proxy.reload(EphemeralPorts.of(ConfigParser.system().parse("stats-test.cfg", cfg)))).isTrue();

        String b = html.replaceAll("(?s).*<input type=\"hidden\" name=\"b\" value=\"([^\"]*)\">.*", "$1");
        Answer a = admin.send(NettyHttpClient.post("/", AUTH, "s=pg-1&action=maint&b=" + b)).only();

        assertThat(a.header("Location")).hasValue("/;st=DONE");
        assertThat(server("pg-1").adminState()).as("primary's pg-1").isEqualTo(Server.AdminState.MAINT);
        assertThat(fx.proxy.backends().get("replica").server("pg-1").orElseThrow().adminState())
                .as("replica's pg-1").isEqualTo(Server.AdminState.READY);
    }

    /** HAProxy's page sends {@code b=#<iid>}: a form or script that does is still obeyed. */
    @Test
    void aPostNamingTheBackendByItsIidStillActs() throws Exception {
        Answer a = admin.send(NettyHttpClient.post("/", AUTH, "s=pg-1&action=drain&b=%232")).only();

        assertThat(a.header("Location")).hasValue("/;st=DONE");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.DRAIN);
    }

    /**
     * The form posts to the page's own URI whatever URL showed the page: reached as
     * {@code /;ack-alerts}, a form without {@code action=} posted there and acknowledged alerts
     * instead of applying the action (failed before the fix: the form had no action attribute).
     */
    @Test
    void theFormPostsToThePagesUriWhateverUrlShowedIt() throws Exception {
        assertThat(page("/;ack-alerts")).contains("<form method=\"post\" action=\"/\" class=\"actions\" id=\"actions-primary\">");
        assertThat(page("/;norefresh")).contains("<form method=\"post\" action=\"/;norefresh\" class=\"actions\"");
    }

    /** A server name from the form cannot forge a log line (failed before the fix: CR/LF reached the admin log verbatim). */
    @Test
    void serverNamesFromTheFormAreLoggedWithoutControlCharacters() throws Exception {
        ch.qos.logback.classic.Logger log = (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("admin");
        ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> app =
                new ch.qos.logback.core.read.ListAppender<>();
        app.start();
        log.addAppender(app);
        try {
            admin.send(NettyHttpClient.post("/", AUTH, "s=pg-1%0A%5BALERT%5D+forged+line&action=drain&b=primary")).only();

            assertThat(app.list).anySatisfy(e -> assertThat(e.getFormattedMessage())
                    .contains("pg-1\\x0a[ALERT] forged line"));
            assertThat(app.list).noneSatisfy(e -> assertThat(e.getFormattedMessage()).contains("\n[ALERT]"));
        } finally {
            log.detachAppender(app);
        }
    }
}
