package dev.pointsman.admin;

import dev.pointsman.backend.AdminChange;
import dev.pointsman.backend.Server.AdminState;
import dev.pointsman.backend.Server.OpState;
import dev.pointsman.check.HealthLog;
import dev.pointsman.config.LogTarget.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * HAProxy's wording for a change of a server's administrative state ({@code src/server.c}
 * {@code srv_update_status}), as HAProxy 2.6 logs {@code set server ... state}, so that greps and
 * dashboards keep working. Pure. Captured from HAProxy 2.6.12:
 *
 * <pre>
 * READY → MAINT  Server one/solo is going DOWN for maintenance. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.   (alert)
 *                Server pool/down was DOWN and now enters maintenance.                          (a server its checks hold DOWN; notice)
 * MAINT → READY  Server one/solo is UP/READY (leaving forced maintenance).
 * MAINT → DRAIN  Server pool/up is UP/DRAIN (leaving forced maintenance).
 *                Server pool/up remains in forced drain mode.
 * READY → DRAIN  Server pool/up enters drain state. 0 active and 1 backup servers online. Running on backup. 0 sessions requeued, 0 total in queue.
 * DRAIN → READY  Server pool/up is UP (leaving forced drain).
 * </pre>
 *
 * A server that is DOWN takes the "left" form when it enters drain ({@code ... servers left. N
 * sessions active, ...}) and says DOWN where the others say UP. Pointsman keeps a server's
 * operational state across maintenance (its checks go on), so a server leaving maintenance is
 * reported as its checks see it; HAProxy says UP and checks at once.
 */
final class AdminLog {
    private AdminLog() {}

    /** One line and the syslog level HAProxy sends it at. */
    record Line(Level level, String text) {}

    static List<Line> lines(String backend, boolean backup, AdminChange c) {
        List<Line> out = new ArrayList<>();
        if (!c.changed()) {
            return out;
        }
        String who = (backup ? "Backup " : "") + "Server " + backend + "/" + c.server().name();
        boolean down = c.opState() == OpState.DOWN;
        String op = down ? "DOWN" : "UP";
        switch (c.after()) {
            case MAINT -> out.add(down
                    ? new Line(Level.NOTICE, who + " was DOWN and now enters maintenance.")
                    : new Line(Level.ALERT, who + " is going DOWN for maintenance" + left(c) + "."));
            case DRAIN -> {
                if (c.before() == AdminState.MAINT) {
                    out.add(new Line(Level.NOTICE, who + " is " + op + "/DRAIN (leaving forced maintenance)."));
                    out.add(new Line(Level.NOTICE, who + " remains in forced drain mode."));
                } else {
                    out.add(new Line(Level.NOTICE, who + " enters drain state" + (down ? left(c) : online(c)) + "."));
                }
            }
            case READY -> out.add(new Line(Level.NOTICE, c.before() == AdminState.MAINT
                    ? who + " is " + op + "/READY (leaving forced maintenance)."
                    : who + " is " + op + " (leaving forced drain)."));
        }
        return out;
    }

    /** The counts of a line for a server that now takes no traffic ({@code ... servers left. ...}). */
    private static String left(AdminChange c) {
        return HealthLog.counts(true, counts(c));
    }

    /** The counts of a line for a server still UP ({@code ... servers online. ...}). */
    private static String online(AdminChange c) {
        return HealthLog.counts(false, counts(c));
    }

    private static HealthLog.ServerCounts counts(AdminChange c) {
        return new HealthLog.ServerCounts(c.activeUp(), c.backupUp(), c.sessions(), 0, c.queued());
    }
}
