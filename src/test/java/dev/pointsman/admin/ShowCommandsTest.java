package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Server;
import dev.pointsman.cluster.ClusterTable;
import dev.pointsman.cluster.ClusterView;
import dev.pointsman.cluster.Member;
import dev.pointsman.config.StatsSocket.Level;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Formats as HAProxy 2.6.12 prints them (header lines and field orders captured on a private instance). */
class ShowCommandsTest {
    private final FakeRuntime runtime = FakeRuntime.of("""
            listen stats
                mode http
                bind 127.0.0.1:1
                stats enable
            frontend fe
                bind 127.0.0.1:2
                default_backend primary
            backend primary
                server pg-1 127.0.0.1:5432 check port 8008
                server pg-2 localhost:5433 check port 8009 addr 127.0.0.9 weight 3
                server off 127.0.0.1:5434 disabled
                server bk 127.0.0.1:5435 backup
            """);

    @Test
    void showServersStateIsVersion1WithHaproxysFieldsAndCodes() {
        // Given pg-1 UP after its checks, pg-2 drained, bk with a weight set, 42 s after the last changes
        runtime.up("primary", "pg-1");
        runtime.admin("set server primary/pg-2 state drain");
        runtime.admin("set server primary/bk weight 0");
        runtime.advance(Duration.ofSeconds(42));

        String out = runtime.admin("show servers state");

        // be_id is the CSV's iid: primary is the third section; "disabled" keeps its 0x04 flag
        assertThat(out).isEqualTo("""
                1
                # be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight \
                srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state \
                srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port \
                srv_check_addr srv_agent_addr srv_agent_port
                3 primary 1 pg-1 127.0.0.1 2 0 1 1 42 1 0 0 6 0 0 0 - 5432 - 0 8008 - - 8008
                3 primary 2 pg-2 127.0.0.1 0 8 3 3 42 1 0 0 6 0 0 0 localhost 5433 - 0 8009 127.0.0.9 - 8009
                3 primary 3 off 127.0.0.1 0 5 1 1 42 1 0 0 0 0 0 0 - 5434 - 0 0 - - 0
                3 primary 4 bk 127.0.0.1 2 0 0 1 42 1 0 2 0 0 0 0 - 5435 - 0 0 - - 0
                """);
    }

    @Test
    void showServersStateOfOneBackendAndOfNone() {
        assertThat(runtime.admin("show servers state primary").lines()).hasSize(6);
        assertThat(runtime.admin("show servers state stats")).as("a backend without servers: the header alone")
                .isEqualTo(ServersState.HEADER);
        assertThat(runtime.admin("show servers state nope")).isEqualTo("Can't find backend.\n");
        assertThat(runtime.admin("show servers state fe")).isEqualTo("Can't find backend.\n");
    }

    @Test
    void enablingAConfigDisabledServerKeepsItsConfigurationFlagAsHaproxyDoes() {
        runtime.admin("enable server primary/off");
        assertThat(runtime.admin("show servers state primary").lines().filter(l -> l.contains(" off ")))
                .singleElement().satisfies(l -> assertThat(l.split(" ")[6]).isEqualTo("4"));
    }

    @Test
    void showBackendListsEverySectionThatCanBeABackend() {
        assertThat(runtime.run(Level.USER, "show backend")).isEqualTo("# name\nstats\nprimary\n");
    }

    @Test
    void showStatIsThePagesCsvAndItsFiltersKeepRowsByProxyTypeServerAndState() {
        runtime.csv = """
                # pxname,svname,status,iid,sid,type,
                stats,FRONTEND,OPEN,1,0,0,
                stats,BACKEND,UP,1,0,1,
                primary,pg-1,UP,3,1,2,
                primary,pg-2,DOWN 1/2,3,2,2,
                primary,off,MAINT,3,3,2,
                primary,bk,no check,3,4,2,
                primary,BACKEND,UP,3,0,1,
                """;
        assertThat(runtime.run(Level.USER, "show stat")).isEqualTo(runtime.csv);
        assertThat(runtime.admin("show stat primary 4 -1").lines().map(l -> l.split(",")[1]))
                .containsExactly("svname", "pg-1", "pg-2", "off", "bk");
        assertThat(runtime.admin("show stat 3 6 2").lines().map(l -> l.split(",")[1]))
                .containsExactly("svname", "pg-2", "BACKEND");
        assertThat(runtime.admin("show stat -1 1 -1").lines().map(l -> l.split(",")[0] + "/" + l.split(",")[1]))
                .containsExactly("# pxname/svname", "stats/FRONTEND");
        assertThat(runtime.admin("show stat up").lines().map(l -> l.split(",")[1]))
                .containsExactly("svname", "FRONTEND", "BACKEND", "pg-1", "bk", "BACKEND");
        assertThat(runtime.admin("show stat no-maint").lines().map(l -> l.split(",")[1]))
                .doesNotContain("off").contains("pg-2");
        assertThat(runtime.admin("show stat nope 4 -1")).isEqualTo("No such proxy.\n");
        assertThat(runtime.admin("show stat typed")).startsWith("'show stat typed' is not implemented by Pointsman");
        assertThat(runtime.admin("show stat domain dns")).isEqualTo("Invalid statistics domain.\n");
    }

    @Test
    void showInfoPrintsHaproxysNamesInItsOrderWithWhatHatopReads() {
        runtime.info = new ProcessInfo("Pointsman", "1.2.3", "2026/01/02", 4, 4242, 1_700_000_000L, 93_784, 1024, 300,
                7, 1234, 5, 9, 2, "db-proxy-1", false, 12, 5, 3, 987_654);

        String out = runtime.run(Level.USER, "show info");

        assertThat(out).startsWith("""
                Name: Pointsman
                Version: 1.2.3
                Release_date: 2026/01/02
                Nbthread: 4
                Nbproc: 1
                Process_num: 1
                Pid: 4242
                Uptime: 1d 2h03m04s
                Uptime_sec: 93784
                Ulimit-n: 1024
                Maxconn: 300
                Hard_maxconn: 300
                CurrConns: 7
                CumConns: 1234
                """).endsWith("""
                Build info: 1.2.3
                Start_time_sec: 1700000000
                """);
        assertThat(out.lines()).contains("Maxpipes: 0", "PipesUsed: 0", "ConnRate: 5", "Tasks: 9", "Run_queue: 2",
                "node: db-proxy-1", "Stopping: 0", "Jobs: 12", "Listeners: 5", "DroppedLogs: 3",
                "TotalBytesOut: 987654");
        assertThat(out.lines()).allMatch(l -> l.matches("[A-Za-z_ -]+: \\S.*"));
    }

    @Test
    void showSessNeedsOperatorAndListsNothingWithoutSessions() {
        assertThat(runtime.run(Level.USER, "show sess")).isEqualTo("Permission denied\n");
        assertThat(runtime.run(Level.OPERATOR, "show sess")).isEmpty();
    }

    @Test
    void humanTimeGivesTheTwoLargestUnitsAsHaproxy() {
        assertThat(ShowCommands.humanTime(0)).isEqualTo("0s");
        assertThat(ShowCommands.humanTime(59)).isEqualTo("59s");
        assertThat(ShowCommands.humanTime(182)).isEqualTo("3m2s");
        assertThat(ShowCommands.humanTime(3600)).isEqualTo("1h");
        assertThat(ShowCommands.humanTime(93_784)).isEqualTo("1d2h");
    }

    @Test
    void showClusterPrintsEachViewLikePatronictlListUnderItsBackend() {
        assertThat(runtime.admin("show cluster"))
                .isEqualTo("No Patroni cluster known to this Pointsman (no backend checks a Patroni REST API).\n");
        assertThat(runtime.admin("show cluster nope")).isEqualTo("No such backend.\n");
        assertThat(runtime.admin("show cluster primary")).startsWith("Backend 'primary' has no Patroni cluster view");

        ClusterView view = new ClusterView("primary", "demo", "127.0.0.1:8008", 0, false, null, "pg-1", null, 3L,
                List.of(new Member("pg-1", "leader", "running", "127.0.0.1", 5432, null, 3L, null, false, null, false,
                        Map.of(), "pg-1", null, false, null)), List.of(), List.of(), List.of(),
                new ClusterView.Limits(1000, 3000, null, null, 0));
        runtime.clusters = Map.of("primary", view);

        String out = runtime.run(Level.USER, "show cluster");
        assertThat(out).isEqualTo("backend primary:\n" + ClusterTable.format(view))
                .contains("| pg-1   | 127.0.0.1 | Leader | running |  3 |           | pg-1   |");
        assertThat(out).as("no empty line inside: scripts read up to the empty line").doesNotContain("\n\n");
        assertThat(runtime.admin("show cluster primary")).isEqualTo(out);
    }

    @Test
    void showCommandsDoNotWrite() {
        runtime.admin("show servers state");
        runtime.admin("show stat");
        assertThat(runtime.server("primary", "pg-1").adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(runtime.leftMaintenance).isEmpty();
    }

    @Test
    void showEventsListsEachChangeOfPrimaryNewestFirstWithItsFigures() {
        // Given a primary pool: pg-1 primary, then pg-2 after a failed check, then pg-1 again
        var backend = runtime.backend("primary");
        backend.primaryChanges().track();
        runtime.up("primary", "pg-1");
        backend.setOpState(runtime.server("primary", "pg-1"), Server.OpState.DOWN);
        runtime.advance(Duration.ofMillis(1500));
        runtime.up("primary", "pg-2");
        runtime.advance(Duration.ofSeconds(30));
        runtime.admin("set server primary/pg-2 state maint");
        runtime.advance(Duration.ofMillis(40));
        runtime.up("primary", "pg-1");

        String out = runtime.admin("show events");

        List<String> lines = out.lines().toList();
        assertThat(lines.get(0)).isEqualTo(
                "# be_name at from to learnt gap_ms held longest_wait_ms cut failed retried state");
        assertThat(lines).hasSize(3);
        String at = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d{1,3})?Z";
        assertThat(lines.get(1)).matches("primary " + at + " pg-2 pg-1 admin 40 0 0 0 0 0 open");
        assertThat(lines.get(2)).matches("primary " + at + " pg-1 pg-2 check 1500 0 0 0 0 0 closed");
        assertThat(runtime.admin("show events primary")).isEqualTo(out);
    }

    @Test
    void showEventsOfABackendWithoutChangesIsTheHeaderAloneAndOfAnUnknownOneAnError() {
        assertThat(runtime.admin("show events primary")).isEqualTo(ShowCommands.EVENTS_HEADER);
        assertThat(runtime.admin("show events nope")).isEqualTo("No such backend.\n");
        assertThat(runtime.run(Level.USER, "show events")).isEqualTo(ShowCommands.EVENTS_HEADER);
    }
}
