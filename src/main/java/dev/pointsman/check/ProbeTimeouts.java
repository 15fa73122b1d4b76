package dev.pointsman.check;

import dev.pointsman.config.Timeouts;
import dev.pointsman.net.Exchange;
import java.time.Duration;
import java.util.Optional;

/**
 * How long a probe may take, as HAProxy computes it ({@code tcpcheck_eval_connect}): when
 * {@code timeout check} is set, the connect may take {@code min(timeout connect, inter)} and
 * the answer then gets {@code timeout check} of its own; when it is unset, {@code inter} bounds
 * the whole check, connect included.
 *
 * @param connect the connect timeout
 * @param answer  {@code timeout check}: the time for the answer once connected; empty = what is
 *                left of {@code inter}
 * @param inter   the server's {@code inter}
 */
public record ProbeTimeouts(Duration connect, Optional<Duration> answer, Duration inter)
        implements Exchange.Deadlines {

    public static ProbeTimeouts of(Timeouts timeouts, Duration inter) {
        if (timeouts.check().isPresent()) {
            Duration connect = timeouts.connect().filter(c -> c.compareTo(inter) < 0).orElse(inter);
            return new ProbeTimeouts(connect, timeouts.check(), inter);
        }
        return new ProbeTimeouts(inter, Optional.empty(), inter);
    }

    /** The time the answer may take when the connection was established {@code elapsed} after the start. */
    @Override
    public Duration answerAfter(Duration elapsed) {
        if (answer.isPresent()) {
            return answer.get();
        }
        Duration left = inter.minus(elapsed);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** An upper bound on a whole check, for the blocking SQL probe. */
    Duration total() {
        return answer.map(connect::plus).orElse(inter);
    }
}
