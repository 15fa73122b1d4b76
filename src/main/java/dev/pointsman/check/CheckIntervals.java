package dev.pointsman.check;

import dev.pointsman.config.ServerConfig;
import java.time.Duration;

/**
 * When the next check runs: a pure function of the server's health state (HAProxy's
 * {@code srv_getinter}) plus Pointsman's "hurry" mode used by the runtime's reaction rule.
 *
 * <ul>
 *   <li>{@code inter} while fully UP;</li>
 *   <li>{@code fastinter} (default {@code inter}) while going up or down or never checked;</li>
 *   <li>while hurried (Pointsman's reaction to a change in the cluster), {@code fastinter} but at
 *       most {@link #HURRY} — a switchover is over in about two seconds, and a reaction at the
 *       reference config's 3 s would miss it; Patroni's REST API answers these checks in a
 *       millisecond or two;</li>
 *   <li>{@code downinter} (default {@code inter}) while fully DOWN.</li>
 * </ul>
 */
final class CheckIntervals {
    private final Duration inter;
    private final Duration fastinter;
    private final Duration downinter;

    CheckIntervals(Duration inter, Duration fastinter, Duration downinter) {
        this.inter = inter;
        this.fastinter = fastinter;
        this.downinter = downinter;
    }

    static CheckIntervals of(ServerConfig server) {
        return new CheckIntervals(server.inter(), server.effectiveFastinter(), server.effectiveDowninter());
    }

    static final Duration HURRY = Duration.ofMillis(250);

    Duration next(HealthState state, boolean hurried) {
        if (hurried) {
            return fastinter.compareTo(HURRY) < 0 ? fastinter : HURRY;
        }
        if (!state.checked() || state.transitional()) {
            return fastinter;
        }
        return state.up() ? inter : downinter;
    }

    /** HAProxy's staggered start: server {@code index} of {@code count} first runs at {@code inter*index/count}. */
    static Duration firstDelay(Duration inter, int index, int count) {
        if (count <= 0 || index <= 0) {
            return Duration.ZERO;
        }
        return inter.multipliedBy(Math.min(index, count)).dividedBy(count);
    }
}
