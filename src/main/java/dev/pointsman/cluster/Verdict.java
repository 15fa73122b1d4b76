package dev.pointsman.cluster;

import java.util.Optional;

/** The view's word on one server: allow (checks decide) or veto (kept out of its pool, whatever its checks say). */
public sealed interface Verdict {

    /** @param why why the view does not object, e.g. "confirmed primary", "view stale: checks alone" */
    record Allow(String why) implements Verdict {}

    /**
     * @param reason        for stats and logs, e.g. "not the Patroni leader (pg-2 is)"
     * @param keepsSessions the server takes no new session but its open ones are left to end as
     *                      they will (a leader about to stop); else they are cut where the server
     *                      has {@code on-marked-down shutdown-sessions}
     */
    record Veto(String reason, boolean keepsSessions) implements Verdict {
        public Veto(String reason) {
            this(reason, false);
        }
    }

    /** The reason to hand to {@code Backend.setVeto}; empty when allowed. */
    default Optional<String> vetoReason() {
        return this instanceof Veto v ? Optional.of(v.reason()) : Optional.empty();
    }

    default boolean allowed() {
        return this instanceof Allow;
    }

    /** A veto that ends the server's open sessions (where the server cuts them when marked down). */
    default boolean cutsSessions() {
        return this instanceof Veto v && !v.keepsSessions();
    }
}
