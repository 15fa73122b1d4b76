package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.AdminChange;
import dev.pointsman.backend.Server.AdminState;
import dev.pointsman.backend.Server.OpState;
import dev.pointsman.config.LogTarget.Level;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The expected lines are HAProxy 2.6.12's, captured from {@code set server ... state} on a private instance. */
class AdminLogTest {
    private final FakeRuntime runtime = FakeRuntime.of("""
            listen pool
                bind 127.0.0.1:1
                server up 127.0.0.1:2
            """);

    private AdminChange change(AdminState before, AdminState after, OpState op, int active, int backup, int sessions) {
        return new AdminChange(runtime.server("pool", "up"), before, after, op, active, backup, sessions, 0, 0, false);
    }

    private List<String> lines(AdminChange c) {
        return AdminLog.lines("pool", false, c).stream().map(AdminLog.Line::text).toList();
    }

    @Test
    void goingIntoMaintenanceIsAnAlertWithTheCountsLeft() {
        List<AdminLog.Line> lines = AdminLog.lines("pool", false, change(AdminState.READY, AdminState.MAINT, OpState.UP, 0, 1, 0));
        assertThat(lines).containsExactly(new AdminLog.Line(Level.ALERT, "Server pool/up is going DOWN for maintenance."
                + " 0 active and 1 backup servers left. Running on backup. 0 sessions active, 0 requeued, 0 remaining in queue."));
    }

    @Test
    void aServerItsChecksHoldDownEntersMaintenanceQuietly() {
        assertThat(AdminLog.lines("pool", false, change(AdminState.READY, AdminState.MAINT, OpState.DOWN, 1, 1, 0)))
                .containsExactly(new AdminLog.Line(Level.NOTICE, "Server pool/up was DOWN and now enters maintenance."));
    }

    @Test
    void leavingMaintenanceSaysWhatTheChecksSayAndWhichAdminStateFollows() {
        assertThat(lines(change(AdminState.MAINT, AdminState.READY, OpState.UP, 1, 1, 0)))
                .containsExactly("Server pool/up is UP/READY (leaving forced maintenance).");
        assertThat(lines(change(AdminState.MAINT, AdminState.READY, OpState.DOWN, 0, 1, 0)))
                .containsExactly("Server pool/up is DOWN/READY (leaving forced maintenance).");
        assertThat(lines(change(AdminState.MAINT, AdminState.DRAIN, OpState.UP, 0, 1, 0))).containsExactly(
                "Server pool/up is UP/DRAIN (leaving forced maintenance).",
                "Server pool/up remains in forced drain mode.");
    }

    @Test
    void drainOfAnUpServerCountsWhatIsOnlineAndOfADownOneWhatIsLeft() {
        assertThat(lines(change(AdminState.READY, AdminState.DRAIN, OpState.UP, 0, 1, 0))).containsExactly(
                "Server pool/up enters drain state. 0 active and 1 backup servers online. Running on backup."
                        + " 0 sessions requeued, 0 total in queue.");
        assertThat(lines(change(AdminState.READY, AdminState.DRAIN, OpState.DOWN, 1, 1, 2))).containsExactly(
                "Server pool/up enters drain state. 1 active and 1 backup servers left. 2 sessions active,"
                        + " 0 requeued, 0 remaining in queue.");
        assertThat(lines(change(AdminState.DRAIN, AdminState.READY, OpState.UP, 1, 1, 0)))
                .containsExactly("Server pool/up is UP (leaving forced drain).");
        assertThat(lines(change(AdminState.DRAIN, AdminState.READY, OpState.DOWN, 1, 1, 0)))
                .containsExactly("Server pool/up is DOWN (leaving forced drain).");
    }

    @Test
    void drainToMaintenanceIsGoingDownAndNoChangeSaysNothing() {
        assertThat(lines(change(AdminState.DRAIN, AdminState.MAINT, OpState.UP, 0, 0, 3))).containsExactly(
                "Server pool/up is going DOWN for maintenance. 0 active and 0 backup servers left. 3 sessions active,"
                        + " 0 requeued, 0 remaining in queue.");
        assertThat(lines(change(AdminState.MAINT, AdminState.MAINT, OpState.UP, 0, 0, 0))).isEmpty();
    }

    @Test
    void aBackupServerIsNamedSo() {
        assertThat(AdminLog.lines("pool", true, change(AdminState.DRAIN, AdminState.READY, OpState.UP, 1, 1, 0)))
                .extracting(AdminLog.Line::text).containsExactly("Backup Server pool/up is UP (leaving forced drain).");
    }
}
