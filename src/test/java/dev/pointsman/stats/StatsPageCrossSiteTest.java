package dev.pointsman.stats;

import static dev.pointsman.stats.NettyHttpClient.basic;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.stats.NettyHttpClient.Answer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * A browser sends another site's form POST to the stats page with the operator's basic-auth
 * credentials: such a POST acts on nothing ({@link FormOrigin}); the page's own form, and a client
 * that sends no browser headers, still act. Backend {@code primary} is proxy #2 with pg-1 and pg-2.
 * (From the adversarial review of the admin branch: the first test failed before the fix, the
 * POST answered {@code ;st=PART} and took pg-1 and pg-2 to MAINT.)
 */
class StatsPageCrossSiteTest extends AdminPageTest {
    /** A POST to {@code path} with Host {@code stats}, {@code headers} (each ending CRLF) and the credentials. */
    static String raw(String path, String headers, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: stats\r\nContent-Length: "
                + body.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n" + headers + AUTH + "\r\n" + body;
    }

    static final String FORM = "Content-Type: application/x-www-form-urlencoded\r\n";

    Answer send(String headers, String body) throws Exception {
        return admin.send(raw("/", headers, body)).only();
    }

    @Test
    void aCrossSiteBlindFormPostIsDeniedAndChangesNothing() throws Exception {
        Answer a = send("Content-Type: text/plain\r\nOrigin: https://evil.example\r\nReferer: https://evil.example/x\r\n"
                + "Sec-Fetch-Site: cross-site\r\nSec-Fetch-Mode: navigate\r\n", "s=%231&s=%232&s=%233&action=maint&b=%232");

        assertThat(a.status()).isEqualTo(303);
        assertThat(a.header("Location")).hasValue("/;st=DENY");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(server("pg-2").adminState()).isEqualTo(Server.AdminState.READY);
    }

    @Test
    void aFormPostFromAnotherOriginIsDenied() throws Exception {
        Answer a = send(FORM + "Origin: http://evil.example\r\n", "s=pg-1&action=maint&b=primary");

        assertThat(a.header("Location")).hasValue("/;st=DENY");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
    }

    @Test
    void aFormPostWhoseRefererIsAnotherHostIsDenied() throws Exception {
        Answer a = send(FORM + "Referer: http://stats.evil.example/\r\n", "s=pg-1&action=maint&b=primary");

        assertThat(a.header("Location")).hasValue("/;st=DENY");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
    }

    @Test
    void aFormPostTheBrowserCallsSameSiteIsDenied() throws Exception {
        Answer a = send(FORM + "Sec-Fetch-Site: same-site\r\n", "s=pg-1&action=maint&b=primary");

        assertThat(a.header("Location")).hasValue("/;st=DENY");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
    }

    @Test
    void aPostThatIsNotAFormIsDenied() throws Exception {
        Answer a = send("Content-Type: text/plain\r\n", "s=pg-1&action=maint&b=primary");

        assertThat(a.header("Location")).hasValue("/;st=DENY");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
    }

    @Test
    void thePagesOwnFormPostActs() throws Exception {
        Answer a = send(FORM + "Origin: http://stats\r\nReferer: http://stats/\r\nSec-Fetch-Site: same-origin\r\n",
                "s=pg-1&action=maint&b=primary");

        assertThat(a.header("Location")).hasValue("/;st=DONE");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.MAINT);
    }

    @Test
    void serversAreFoundByNameOnlyAsOnHaproxysPage() throws Exception {
        Answer a = send(FORM, "s=%231&s=%232&action=maint&b=primary");

        assertThat(a.header("Location")).as("no server named #1 or #2").hasValue("/;st=ERRP");
        assertThat(server("pg-1").adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(server("pg-2").adminState()).isEqualTo(Server.AdminState.READY);
    }

    @Test
    void acknowledgingAlertsFromAnotherSiteIsForbidden() throws Exception {
        Answer refused = admin.send(raw("/;ack-alerts", "Origin: https://evil.example\r\n", "")).only();
        Answer own = admin.send(raw("/;ack-alerts", "Origin: http://stats\r\n", "")).only();

        assertThat(refused.status()).isEqualTo(403);
        assertThat(own.status()).isEqualTo(303);
    }
}
