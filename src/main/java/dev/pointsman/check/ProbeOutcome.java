package dev.pointsman.check;

import java.util.Optional;

/**
 * What a probe hands back to its checker.
 *
 * @param forceDown a definitive statement (Patroni fast-demote): mark the server DOWN on this check
 * @param patroni   the Patroni JSON body, when the answer had one
 */
record ProbeOutcome(CheckResult result, boolean forceDown, Optional<PatroniStatus> patroni) {
    static ProbeOutcome of(CheckResult result) {
        return new ProbeOutcome(result, false, Optional.empty());
    }
}
