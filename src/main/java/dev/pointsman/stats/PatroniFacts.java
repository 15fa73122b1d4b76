package dev.pointsman.stats;

import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What is known of one Patroni member, as stats shows it. Every field is optional: a check
 * without a JSON body tells nothing, a replica's lag needs the primary's position.
 *
 * @param role           {@code primary} (Patroni 3's {@code master} is reported as primary),
 *                       {@code replica}, {@code standby_leader}
 * @param state          PostgreSQL's state as Patroni reports it: {@code running}, {@code starting}...
 * @param lagBytes       how far the member's replay is behind the primary's WAL position
 * @param pendingRestart a setting waits for a restart; empty when unknown
 * @param source         where these facts come from: {@code check} (the last health check's body),
 *                       {@code cluster} (Patroni's cluster view)...
 */
public record PatroniFacts(Optional<String> role, Optional<String> state, OptionalLong timeline, OptionalLong lagBytes,
                           Optional<Boolean> pendingRestart, String source) {
    public PatroniFacts {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(timeline, "timeline");
        Objects.requireNonNull(lagBytes, "lagBytes");
        Objects.requireNonNull(pendingRestart, "pendingRestart");
        Objects.requireNonNull(source, "source");
    }

    public boolean isPrimary() {
        return role.map("primary"::equals).orElse(false);
    }

    public boolean isReplica() {
        return role.map(r -> r.equals("replica") || r.equals("sync_standby") || r.equals("quorum_standby")).orElse(false);
    }

    public boolean isRunning() {
        return state.map(s -> s.equals("running") || s.equals("streaming")).orElse(false);
    }
}
