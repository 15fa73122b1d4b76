package dev.pointsman.check;

import java.time.Duration;
import java.util.Objects;
import java.util.OptionalInt;

/**
 * The outcome of one probe, in HAProxy's terms.
 *
 * @param status   the check status code (L7OK, L7STS, L4CON, ...)
 * @param code     the HTTP status (or the code a protocol check reports), when there is one
 * @param info     HAProxy's {@code info} text: reason phrase, error text; empty when none
 * @param duration from the start of the probe to its verdict
 */
public record CheckResult(CheckStatus status, OptionalInt code, String info, Duration duration) {
    public CheckResult {
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(code, "code");
        info = info == null ? "" : info;
        Objects.requireNonNull(duration, "duration");
    }

    static CheckResult of(CheckStatus status, String info, Duration duration) {
        return new CheckResult(status, OptionalInt.empty(), info, duration);
    }

    static CheckResult of(CheckStatus status, int code, String info, Duration duration) {
        return new CheckResult(status, OptionalInt.of(code), info, duration);
    }

    public boolean passed() {
        return status.passed();
    }

    CheckResult withDuration(Duration d) {
        return new CheckResult(status, code, info, d);
    }
}
