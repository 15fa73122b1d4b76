package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.check.CheckReport;
import dev.pointsman.check.CheckResult;
import dev.pointsman.check.CheckStatus;
import dev.pointsman.check.HealthState;
import dev.pointsman.check.OperationalState;
import dev.pointsman.check.PoolKind;
import dev.pointsman.check.Transition;
import dev.pointsman.testing.Configs;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;

class StandingTest {
    final Backend backend = new Backend(Configs.listen("primary")
            .server(Configs.server("pg-1", new InetSocketAddress("127.0.0.1", 5432)).check()).build(), System::nanoTime,
            new EmbeddedChannel().eventLoop());
    final Server server = backend.servers().get(0);

    private void checked(CheckStatus status, OptionalInt code, int health) {
        server.recordCheck(new CheckReport("primary", "pg-1", false,
                new CheckResult(status, code, "", Duration.ofMillis(2)), new HealthState(health, 2, 3, true),
                Transition.UNCHANGED, OperationalState.DOWN, false, Optional.empty()));
    }

    private static Optional<PatroniFacts> facts(String role, String state) {
        return Optional.of(new PatroniFacts(Optional.of(role), Optional.of(state), OptionalLong.of(3), OptionalLong.empty(),
                Optional.empty(), "check"));
    }

    @Test
    void aReplicaAnswering503OnThePrimaryPortIsAStandbyInItsRoleColour() {
        checked(CheckStatus.L7STS, OptionalInt.of(503), 0);

        Standing s = Standing.of(server, "DOWN", PoolKind.PRIMARY, Optional.empty(), false);

        assertThat(s.kind()).isEqualTo(Standing.Kind.STANDBY);
        assertThat(s.label()).isEqualTo("STANDBY (replica)");
        assertThat(s.tone()).isEqualTo("standby");
        assertThat(s.role()).isEqualTo("replica");
    }

    @Test
    void aConnectionFailureStaysARedFailure() {
        checked(CheckStatus.L4CON, OptionalInt.empty(), 0);

        Standing s = Standing.of(server, "DOWN", PoolKind.PRIMARY, Optional.empty(), false);

        assertThat(s.kind()).isEqualTo(Standing.Kind.DOWN);
        assertThat(s.tone()).isEqualTo("down");
    }

    @Test
    void a503FromANodeWhoseBodySaysItIsStoppedIsAFailure() {
        checked(CheckStatus.L7STS, OptionalInt.of(503), 0);

        Standing s = Standing.of(server, "DOWN", PoolKind.PRIMARY, facts("replica", "stopped"), false);

        assertThat(s.kind()).isEqualTo(Standing.Kind.DOWN);
    }

    @Test
    void thePrimaryBehindTheReplicaPortIsAStandbyWhenItsBodyOrTheOtherPortSaysSo() {
        checked(CheckStatus.L7STS, OptionalInt.of(503), 0);

        assertThat(Standing.of(server, "DOWN", PoolKind.REPLICA, facts("primary", "running"), false).label())
                .isEqualTo("STANDBY (primary)");
        assertThat(Standing.of(server, "DOWN", PoolKind.REPLICA, Optional.empty(), true).label())
                .isEqualTo("STANDBY (primary)");
        assertThat(Standing.of(server, "DOWN", PoolKind.REPLICA, Optional.empty(), false).kind())
                .as("a replica failing /replica (lag, stopped) without more knowledge stays a failure")
                .isEqualTo(Standing.Kind.DOWN);
    }

    @Test
    void goingUpAndNotYetCheckedHaveTheirOwnTones() {
        assertThat(Standing.of(server, "DOWN", PoolKind.PRIMARY, Optional.empty(), false).kind())
                .isEqualTo(Standing.Kind.INIT);

        checked(CheckStatus.L7OK, OptionalInt.of(200), 1);

        Standing s = Standing.of(server, Stats.status(server, server.lastCheck()), PoolKind.PRIMARY, Optional.empty(), false);
        assertThat(s.label()).isEqualTo("DOWN 1/2");
        assertThat(s.tone()).isEqualTo("going-up");
    }

    @Test
    void maintenanceWinsOverEverything() {
        backend.setAdminState(server, Server.AdminState.MAINT);

        assertThat(Standing.of(server, "MAINT", PoolKind.PRIMARY, facts("replica", "running"), false).kind())
                .isEqualTo(Standing.Kind.MAINT);
    }
}
