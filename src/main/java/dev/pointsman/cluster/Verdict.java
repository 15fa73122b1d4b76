package dev.pointsman.cluster;

import java.util.Optional;

/**
 * The view's word on one server: allow (checks decide), blind (checks decide, the view cannot tell),
 * doubt (checks decide, but a server silent to a client's opening is left) or veto (kept out of
 * its pool, whatever its checks say).
 */
public sealed interface Verdict {

    /** @param why why the view does not object, e.g. "confirmed primary", "no pool rule" */
    record Allow(String why) implements Verdict {}

    /**
     * The view cannot tell (stale, or inconsistent): the checks decide, and what the view last
     * doubted stays doubted, since silence is what it can no longer see.
     *
     * @param why e.g. "cluster view stale: checks alone"
     */
    record Blind(String why) implements Verdict {}

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

    /**
     * Allowed, the checks decide, but the view doubts the server is alive (the leader whose own
     * {@code /patroni} went unanswered): a session it leaves silent after the client's opening goes
     * elsewhere rather than waiting on it.
     *
     * @param why for logs, e.g. "Patroni leader, /patroni unanswered"
     */
    record Doubt(String why) implements Verdict {}

    /** The reason to hand to {@code Backend.setVeto}; empty when allowed. */
    default Optional<String> vetoReason() {
        return this instanceof Veto v ? Optional.of(v.reason()) : Optional.empty();
    }

    default boolean allowed() {
        return !(this instanceof Veto);
    }

    /** Why the view doubts the server; empty when it does not. */
    default Optional<String> doubt() {
        return this instanceof Doubt d ? Optional.of(d.why()) : Optional.empty();
    }

    /** A veto that ends the server's open sessions (where the server cuts them when marked down). */
    default boolean cutsSessions() {
        return this instanceof Veto v && !v.keepsSessions();
    }
}
