package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Server;
import dev.pointsman.config.StatsSocket.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The answers are HAProxy 2.6.12's to the same lines, captured on a private instance. */
class ServerCommandsTest {
    private final FakeRuntime runtime = FakeRuntime.of("""
            listen one
                bind 127.0.0.1:1
                server solo 127.0.0.1:2 weight 10
            listen pool
                bind 127.0.0.1:3
                server up 127.0.0.1:4
                server checked 127.0.0.1:5 check
                server off 127.0.0.1:6 check disabled
            listen src
                bind 127.0.0.1:7
                balance source
                server s1 127.0.0.1:8
            listen stats
                mode http
                bind 127.0.0.1:9
                stats enable
            """);

    @Test
    void setServerStateChangesTheAdminStateAndRoutingAtOnceAndAnswersAnEmptyLine() {
        Server solo = runtime.server("one", "solo");

        assertThat(runtime.admin("set server one/solo state maint")).isEmpty();
        assertThat(solo.adminState()).isEqualTo(Server.AdminState.MAINT);
        assertThat(runtime.backend("one").activeUsable()).as("no server takes new sessions").isZero();

        assertThat(runtime.admin("set server one/solo state drain")).isEmpty();
        assertThat(solo.adminState()).isEqualTo(Server.AdminState.DRAIN);
        assertThat(solo.usable()).isFalse();

        assertThat(runtime.admin("set server one/solo state ready")).isEmpty();
        assertThat(solo.adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(runtime.backend("one").activeUsable()).isEqualTo(1);
    }

    @Test
    void disableAndEnableServerAreMaintAndReady() {
        runtime.admin("disable server one/solo");
        assertThat(runtime.server("one", "solo").adminState()).isEqualTo(Server.AdminState.MAINT);
        runtime.admin("enable server one/solo");
        assertThat(runtime.server("one", "solo").adminState()).isEqualTo(Server.AdminState.READY);
    }

    @Test
    void aCheckedServerLeavingMaintenanceIsHandedToItsChecksAndOneWithoutCheckIsNot() {
        // Given a server disabled in the configuration, whose checks have not started
        assertThat(runtime.server("pool", "off").adminState()).isEqualTo(Server.AdminState.MAINT);
        // When it is enabled
        runtime.admin("enable server pool/off");
        // Then its checks are told (the runtime starts them and checks at once)
        assertThat(runtime.leftMaintenance).containsExactly(runtime.server("pool", "off"));

        runtime.admin("set server pool/up state maint");
        runtime.admin("set server pool/up state ready");
        runtime.admin("set server pool/checked state drain");
        runtime.admin("set server pool/checked state ready");
        assertThat(runtime.leftMaintenance).as("only leaving maintenance, only checked servers").hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '~', quoteCharacter = '`', value = {
            "set server one/solo state foo ~ 'set server <srv> state' expects 'ready', 'drain' and 'maint'.",
            "set server one/solo state ~ 'set server <srv> state' expects 'ready', 'drain' and 'maint'.",
            "set server one/nope state ready ~ No such server.",
            "set server nope/solo state ready ~ No such backend.",
            "set server stats/x state ready ~ No such server.",
            "set server solo state ready ~ Require 'backend/server'.",
            "set server one/ state ready ~ Require 'backend/server'.",
            "set server ~ Require 'backend/server'.",
            "disable server one/nope ~ No such server.",
            "disable server one ~ Require 'backend/server'.",
            "enable server nope/solo ~ No such backend.",
            "shutdown sessions server one/x ~ No such server.",
            "shutdown sessions server ~ Require 'backend/server'.",
            "set server one/solo weight 300 ~ Absolute weight can only be between 0 and 256 inclusive.",
            "set server one/solo weight -1 ~ Absolute weight can only be between 0 and 256 inclusive.",
            "set server one/solo weight abc ~ Empty weight string empty or preceded by garbage",
            "set server one/solo weight 5x ~ Trailing garbage in weight string",
            "set server one/solo weight -5% ~ Relative weight must be positive.",
            "set server one/solo weight ~ Require <weight> or <weight%>.",
            "set server src/s1 weight 5 ~ Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.",
            "get weight one ~ Require 'backend/server'.",
            "get weight one/zz ~ No such server.",
            "set server one/solo ~ usage: set server <backend>/<server> state | weight",
            "set server one/solo foo ~ usage: set server <backend>/<server> state | weight"})
    void badArgumentsGetHaproxysAnswer(String line, String answer) {
        assertThat(runtime.admin(line)).isEqualTo(answer + "\n");
    }

    @Test
    void setServerWordsHaproxyHasForAddressesAndChecksAreNamedAsNotImplemented() {
        assertThat(runtime.admin("set server one/solo addr 10.0.0.1")).isEqualTo("'set server <srv> addr' is not"
                + " implemented by Pointsman: the runtime API changes a server's state and weight only.\n");
        assertThat(runtime.admin("set server one/solo health down")).startsWith("'set server <srv> health' is not");
    }

    @Test
    void weightIsAbsoluteOrAPercentOfTheConfiguredOneAndGetWeightReportsBoth() {
        assertThat(runtime.admin("get weight one/solo")).isEqualTo("10 (initial 10)\n");

        assertThat(runtime.admin("set server one/solo weight 5")).isEmpty();
        assertThat(runtime.admin("get weight one/solo")).isEqualTo("5 (initial 10)\n");
        assertThat(runtime.admin("set server one/solo weight 250%")).isEmpty();
        assertThat(runtime.admin("get weight one/solo")).isEqualTo("25 (initial 10)\n");
        assertThat(runtime.admin("set server one/solo weight 100000%")).isEmpty();
        assertThat(runtime.admin("get weight one/solo")).as("capped at 256").isEqualTo("256 (initial 10)\n");
        assertThat(runtime.admin("set weight one/solo 7")).isEmpty();
        assertThat(runtime.server("one", "solo").weight()).isEqualTo(7);
        assertThat(runtime.admin("get weight one/#1")).as("a server by its id").isEqualTo("7 (initial 10)\n");
    }

    @Test
    void weightZeroTakesTheServerOutOfLoadBalancingAndAStaticAlgorithmTakesZeroOrTheInitial() {
        runtime.admin("set server one/solo weight 0");
        assertThat(runtime.backend("one").activeUsable()).isZero();
        runtime.admin("set server one/solo weight 100%");
        assertThat(runtime.backend("one").activeUsable()).isEqualTo(1);

        assertThat(runtime.admin("set server src/s1 weight 0%")).isEmpty();
        assertThat(runtime.admin("set server src/s1 weight 1")).isEmpty();
    }

    @Test
    void writesNeedAdminAndReadsOfWeightDoNot() {
        for (Level level : new Level[] {Level.USER, Level.OPERATOR}) {
            assertThat(runtime.run(level, "set server one/solo state maint")).isEqualTo("Permission denied\n");
            assertThat(runtime.run(level, "set server nope/x state maint")).as("the level is checked first")
                    .isEqualTo("Permission denied\n");
            assertThat(runtime.run(level, "disable server one/solo")).isEqualTo("Permission denied\n");
            assertThat(runtime.run(level, "enable server one/solo")).isEqualTo("Permission denied\n");
            assertThat(runtime.run(level, "set weight one/solo 3")).isEqualTo("Permission denied\n");
            assertThat(runtime.run(level, "shutdown sessions server one/solo")).isEqualTo("Permission denied\n");
            assertThat(runtime.run(level, "get weight one/solo")).isEqualTo("10 (initial 10)\n");
        }
        assertThat(runtime.server("one", "solo").adminState()).isEqualTo(Server.AdminState.READY);
        assertThat(runtime.server("one", "solo").weight()).isEqualTo(10);
    }

    @Test
    void shutdownSessionsOfAServerWithoutSessionsAnswersAnEmptyLine() {
        assertThat(runtime.admin("shutdown sessions server one/solo")).isEmpty();
        assertThat(runtime.server("one", "solo").counters().killed.sum()).isZero();
    }
}
