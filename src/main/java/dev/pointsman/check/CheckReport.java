package dev.pointsman.check;

import java.util.Objects;
import java.util.Optional;

/**
 * One completed check of one server.
 *
 * @param backup     the server is a {@code backup} server (log lines say "Backup Server ...")
 * @param result     the probe's status, code, info and duration
 * @param state      the health counter after this check
 * @param transition what this check did to the counter
 * @param previous   the operational state before this check ({@code state().state()} is after)
 * @param forcedDown a Patroni fast-demote statement forced the server DOWN
 * @param patroni    the Patroni JSON body of the answer, when there was one
 */
public record CheckReport(String backend, String server, boolean backup, CheckResult result, HealthState state,
                          Transition transition, OperationalState previous, boolean forcedDown,
                          Optional<PatroniStatus> patroni) {
    public CheckReport {
        Objects.requireNonNull(result, "result");
        Objects.requireNonNull(state, "state");
        Objects.requireNonNull(transition, "transition");
        Objects.requireNonNull(previous, "previous");
        Objects.requireNonNull(patroni, "patroni");
    }

    /** The server went UP or DOWN with this check. */
    public boolean changed() {
        return transition == Transition.CHANGED;
    }

    public OperationalState current() {
        return state.state();
    }
}
