package dev.pointsman.cluster;

import java.util.Optional;

/** The view's word on one server: allow (checks decide) or veto (kept out of its pool, whatever its checks say). */
public sealed interface Verdict {

    /** @param why why the view does not object, e.g. "confirmed primary", "view stale: checks alone" */
    record Allow(String why) implements Verdict {}

    /** @param reason for stats and logs, e.g. "not the Patroni leader (pg-2 is)" */
    record Veto(String reason) implements Verdict {}

    /** The reason to hand to {@code Backend.setVeto}; empty when allowed. */
    default Optional<String> vetoReason() {
        return this instanceof Veto v ? Optional.of(v.reason()) : Optional.empty();
    }

    default boolean allowed() {
        return this instanceof Allow;
    }
}
