package dev.pointsman.stats;

import dev.pointsman.backend.Server;
import dev.pointsman.check.CheckReport;
import dev.pointsman.check.CheckStatus;
import dev.pointsman.check.PoolKind;
import java.util.Optional;

/**
 * What a server's state means in a Patroni cluster, beside HAProxy's own status. HAProxy paints a
 * replica behind the primary port DOWN, in red, forever (2 of 3 nodes, Patroni issue #1840);
 * Pointsman shows it as a STANDBY in its role's colour, and keeps red for real failures.
 *
 * @param label what the page prints, e.g. {@code UP}, {@code DOWN 1/2}, {@code STANDBY (replica)}
 * @param tone  the page's colour class: up, going-down, going-up, down, standby, maint, drain,
 *              init, nocheck
 * @param role  the role the colour stands for when known ({@code primary}, {@code replica}), else ""
 */
record Standing(Kind kind, String label, String tone, String role) {

    enum Kind { UP, DOWN, STANDBY, MAINT, DRAIN, INIT }

    /**
     * @param status       HAProxy's status text (UP, UP 1/3, DOWN 1/2, MAINT...)
     * @param pool         what the backend's check URI selects in Patroni
     * @param facts        what is known of the member
     * @param primaryElsewhere the same address is UP in a primary-pool backend of this process
     */
    static Standing of(Server server, String status, PoolKind pool, Optional<PatroniFacts> facts,
                       boolean primaryElsewhere) {
        switch (server.adminState()) {
            case MAINT:
                return new Standing(Kind.MAINT, "MAINT", "maint", "");
            case DRAIN:
                return new Standing(Kind.DRAIN, "DRAIN", "drain", "");
            default:
                break;
        }
        if (!server.config().check()) {
            return new Standing(Kind.UP, "no check", "nocheck", "");
        }
        if (server.opState() == Server.OpState.UP) {
            return new Standing(Kind.UP, status, status.equals("UP") ? "up" : "going-down", "");
        }
        Optional<CheckReport> last = server.lastCheck();
        if (last.isEmpty()) {
            return new Standing(Kind.INIT, "DOWN (not checked yet)", "init", "");
        }
        boolean answered503 = last.get().result().status() == CheckStatus.L7STS
                && last.get().result().code().orElse(0) == 503;
        if (pool == PoolKind.PRIMARY) {
            boolean replica = facts.map(f -> f.isReplica() && f.isRunning()).orElse(false);
            if (replica || (facts.flatMap(PatroniFacts::role).isEmpty() && answered503)) {
                return new Standing(Kind.STANDBY, "STANDBY (replica)", "standby", "replica");
            }
        } else if (pool == PoolKind.REPLICA) {
            boolean primary = facts.map(f -> f.isPrimary() && f.isRunning()).orElse(false);
            if (primary || (facts.flatMap(PatroniFacts::role).isEmpty() && answered503 && primaryElsewhere)) {
                return new Standing(Kind.STANDBY, "STANDBY (primary)", "standby", "primary");
            }
        }
        return new Standing(Kind.DOWN, status, status.equals("DOWN") ? "down" : "going-up", "");
    }
}
