package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.backend.Server;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.stream.StreamSupport;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The stats listener of a running Pointsman: pg-1 answers as Patroni's primary, pg-2 as a replica. */
class StatsServerTest {
    /** HAProxy 2.6's {@code show stat} header, fields 0..100. */
    static final String HAPROXY_26_HEADER = "pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,"
            + "eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,"
            + "lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,"
            + "hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,"
            + "comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,"
            + "agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,"
            + "agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,"
            + "reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,"
            + "idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_check_status";

    static StatsFixture fx;

    @BeforeAll
    static void start() throws Exception {
        fx = new StatsFixture("", "");
        Awaitility.await("pg-1 UP and pg-2 checked").atMost(Duration.ofSeconds(10)).until(() -> {
            var b = fx.proxy.backends().get("primary");
            return b.server("pg-1").orElseThrow().opState() == Server.OpState.UP
                    && b.server("pg-2").orElseThrow().lastCheck().isPresent()
                    && b.server("pg-1").orElseThrow().lastCheck().isPresent();
        });
    }

    @AfterAll
    static void stop() {
        fx.close();
    }

    @Test
    void csvHeaderHasHaproxysColumnsInOrderThenPointsmansOwn() throws Exception {
        String csv = fx.get("/;csv");

        String header = csv.lines().findFirst().orElseThrow();
        assertThat(header).startsWith("# " + HAPROXY_26_HEADER + ",");
        List<String> names = Arrays.asList(header.substring(2).split(","));
        assertThat(names.subList(101, names.size())).containsExactly("standing", "standing_desc", "patroni_role",
                "patroni_state", "patroni_timeline", "patroni_lag", "patroni_pending_restart", "patroni_source",
                "split_brain", "split_brain_unacked", "split_brain_last", "split_brain_last_at", "primary_changes",
                "primary_last_at", "primary_last", "primary_last_gap", "primary_last_wait", "primary_last_held", "primary_last_cut", "primary_last_failed", "primary_last_retried");
    }

    @Test
    void csvRowsComeFrontendServersBackendPerProxyAndParseByColumnName() throws Exception {
        List<String> lines = fx.get("/;csv").lines().toList();
        List<String> names = Arrays.asList(lines.get(0).substring(2).split(","));

        List<List<String>> rows = lines.subList(1, lines.size()).stream()
                .map(l -> Arrays.asList(l.split(",", -1))).toList();
        assertThat(rows).allSatisfy(r -> assertThat(r).hasSize(names.size() + 1)); // trailing comma, as HAProxy
        assertThat(rows.stream().map(r -> r.get(0) + "/" + r.get(1))).containsExactly(
                "stats/FRONTEND", "stats/BACKEND",
                "primary/FRONTEND", "primary/pg-1", "primary/pg-2", "primary/BACKEND");
        List<String> pg1 = rows.get(3);
        List<String> pg2 = rows.get(4);
        assertThat(pg1.get(names.indexOf("status"))).isEqualTo("UP");
        assertThat(pg1.get(names.indexOf("check_status"))).isEqualTo("L7OK");
        assertThat(pg1.get(names.indexOf("check_code"))).isEqualTo("200");
        assertThat(pg1.get(names.indexOf("type"))).isEqualTo("2");
        assertThat(pg1.get(names.indexOf("patroni_role"))).isEqualTo("primary");
        assertThat(pg2.get(names.indexOf("status"))).isEqualTo("DOWN");
        assertThat(pg2.get(names.indexOf("check_status"))).isEqualTo("L7STS");
        assertThat(pg2.get(names.indexOf("check_code"))).isEqualTo("503");
        assertThat(pg2.get(names.indexOf("standing_desc"))).isEqualTo("STANDBY (replica)");
        assertThat(pg2.get(names.indexOf("patroni_lag"))).isEqualTo("1000");
        assertThat(rows.get(5).get(names.indexOf("status"))).isEqualTo("UP");
        assertThat(rows.get(5).get(names.indexOf("act"))).isEqualTo("1");
        assertThat(rows.get(2).get(names.indexOf("status"))).isEqualTo("OPEN");
        // no session went through yet: a rate of 0 and HAProxy's -1 for "never"
        assertThat(pg1.get(names.indexOf("rate"))).isEqualTo("0");
        assertThat(pg1.get(names.indexOf("rate_max"))).isEqualTo("0");
        assertThat(pg1.get(names.indexOf("lastsess"))).isEqualTo("-1");
        assertThat(pg1.get(names.indexOf("ttime"))).isEqualTo("0");
        assertThat(rows.get(2).get(names.indexOf("rate"))).isEqualTo("0");
    }

    @Test
    void jsonParsesAndCarriesThePatroniFields() throws Exception {
        JsonNode root = new ObjectMapper().readTree(fx.get("/;json"));

        assertThat(root.path("pointsman").path("version").asText()).isNotEmpty();
        JsonNode primary = StreamSupport.stream(root.path("proxies").spliterator(), false)
                .filter(p -> p.path("name").asText().equals("primary")).findFirst().orElseThrow();
        assertThat(primary.path("frontend").path("status").asText()).isEqualTo("OPEN");
        assertThat(primary.path("backend").path("act").asLong()).isEqualTo(1);
        JsonNode pg2 = primary.path("servers").get(1);
        assertThat(pg2.path("svname").asText()).isEqualTo("pg-2");
        assertThat(pg2.path("standing").asText()).isEqualTo("STANDBY");
        assertThat(pg2.path("patroni_role").asText()).isEqualTo("replica");
        assertThat(pg2.path("patroni_timeline").asLong()).isEqualTo(3);
        assertThat(pg2.path("patroni_pending_restart").asLong()).isEqualTo(1);
        assertThat(pg2.path("check_code").isNumber()).isTrue();
        assertThat(pg2.has("hrsp_1xx")).as("fields without a value are absent").isFalse();
    }

    @Test
    void metricsParseAndCarryTheServerState() throws Exception {
        HttpResponse<String> r = fx.get("/metrics", "admin", "secret");
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain; version=0.0.4");

        PromText m = PromText.parse(r.body());

        assertThat(m.value("pointsman_server_status", "proxy", "primary", "server", "pg-1", "state", "UP")).isEqualTo(1);
        assertThat(m.value("pointsman_server_status", "proxy", "primary", "server", "pg-2", "state", "DOWN")).isEqualTo(1);
        assertThat(m.value("pointsman_server_standing", "proxy", "primary", "server", "pg-2", "state", "STANDBY")).isEqualTo(1);
        assertThat(m.value("pointsman_server_patroni_role", "proxy", "primary", "server", "pg-2", "role", "replica")).isEqualTo(1);
        assertThat(m.value("pointsman_server_patroni_timeline", "server", "pg-1")).isEqualTo(3);
        assertThat(m.value("pointsman_server_check_status", "server", "pg-2", "state", "L7STS")).isEqualTo(1);
        assertThat(m.value("pointsman_backend_active_servers", "proxy", "primary")).isEqualTo(1);
        assertThat(m.types).containsEntry("pointsman_server_bytes_in_total", "counter")
                .containsEntry("pointsman_backend_current_sessions", "gauge")
                .containsEntry("pointsman_frontend_current_sessions", "gauge")
                .containsEntry("pointsman_server_current_session_rate", "gauge")
                .containsEntry("pointsman_backend_max_session_rate", "gauge")
                .containsEntry("pointsman_server_last_session_seconds", "gauge");
        assertThat(m.value("pointsman_server_sessions_total", "server", "pg-1")).isGreaterThanOrEqualTo(0);
    }

    @Test
    void pageShowsAReplicaBehindThePrimaryPortAsStandbyNotAsAFailure() throws Exception {
        String html = fx.get("/");

        assertThat(html).contains("<meta http-equiv=\"refresh\" content=\"5\">")
                .contains("id=\"px-primary\"", "id=\"srv-primary-pg-1\"", "id=\"be-primary\"", "id=\"fe-primary\"")
                .contains("STANDBY (replica)")
                .doesNotContain("<script", "http://", "https://");
        assertThat(html).containsPattern("id=\"srv-primary-pg-2\" class=\"server tone-standby role-replica\""
                + " data-status=\"DOWN\" data-standing=\"STANDBY\"");
        assertThat(html).containsPattern("id=\"srv-primary-pg-1\" class=\"server tone-up\"");
        assertThat(fx.get("/;norefresh")).doesNotContain("http-equiv=\"refresh\"");
    }

    @Test
    void wrongPasswordIsRefusedWithBasicChallengeAndTheRightOneAccepted() throws Exception {
        HttpResponse<String> none = fx.get("/", null, null);
        HttpResponse<String> wrong = fx.get("/;csv", "admin", "guess");
        HttpResponse<String> right = fx.get("/;csv", "admin", "secret");

        assertThat(none.statusCode()).isEqualTo(401);
        assertThat(none.headers().firstValue("WWW-Authenticate")).hasValue("Basic realm=\"HAProxy Statistics\"");
        assertThat(wrong.statusCode()).isEqualTo(401);
        assertThat(fx.get("/metrics", "admin", "guess").statusCode()).isEqualTo(401);
        assertThat(right.statusCode()).isEqualTo(200);
    }
}
