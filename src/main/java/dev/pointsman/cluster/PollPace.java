package dev.pointsman.cluster;

import java.time.Duration;

/**
 * When the {@link Poller}'s next round starts: the pacing alone, pure (times are the scheduler's
 * nanoTime, passed in), no I/O. Three paces:
 * <ul>
 *   <li>HURRIED ({@link Poller#HURRY_INTERVAL}, or the interval if shorter): while a hurry window is
 *       open (a check changed state, the leader key moved, the view saw a role change, the etcd
 *       watch went down) and while the view has no confirmed leader;</li>
 *   <li>CALM ({@code calm}): while the etcd watch of Patroni's leader key ({@code patroni-dcs}) is
 *       established and nothing has happened for {@link #SETTLE}: no hurry window open or closed
 *       within it, the watch not (re)established within it. The watch then announces any move of
 *       the leader key the moment it happens, and every such move hurries the poller again, so
 *       the calm pace never delays the reaction to a switchover or a failover;</li>
 *   <li>NORMAL ({@code interval}) otherwise: no watch configured, the watch down, or the cluster
 *       still settling after a change.</li>
 * </ul>
 *
 * <p>Owner: the poller's scheduler thread, alone.
 */
final class PollPace {
    /** How long nothing must happen, with the watch established, before polling slows to the calm pace. */
    static final Duration SETTLE = Duration.ofSeconds(15);

    enum Kind { HURRIED, NORMAL, CALM }

    private final Duration interval;
    private final Duration hurried;
    private final Duration calm;
    private boolean watched;
    private long quietSince;
    private boolean hurrying;
    private long hurryUntil;

    /**
     * @param interval the normal poll interval
     * @param calm     the interval while the watch is established and nothing happens; no calm pace
     *                 when it is not longer than {@code interval}
     * @param now      the scheduler's nanoTime at creation
     */
    PollPace(Duration interval, Duration calm, long now) {
        this.interval = interval;
        this.hurried = interval.compareTo(Poller.HURRY_INTERVAL) < 0 ? interval : Poller.HURRY_INTERVAL;
        this.calm = calm.compareTo(interval) > 0 ? calm : interval;
        this.quietSince = now;
    }

    /** Opens (or extends) a hurry window of {@code window} from {@code now}. */
    void hurry(long now, Duration window) {
        long until = now + window.toNanos();
        hurryUntil = hurrying && hurryUntil - until > 0 ? hurryUntil : until;
        hurrying = true;
    }

    /**
     * The etcd watch of the leader key is established ({@code true}) or down ({@code false}). Either
     * way the quiet period starts again; a watch going down also hurries for {@code window}, since
     * a move of the key may have gone unannounced.
     */
    void watch(boolean established, long now, Duration window) {
        if (established == watched) {
            return;
        }
        watched = established;
        quietSince = now;
        if (!established) {
            hurry(now, window);
        }
    }

    boolean watched() {
        return watched;
    }

    /** Whether a hurry window is open at {@code now}; a window that ran out is closed (and starts the quiet period). */
    boolean hurrying(long now) {
        if (hurrying && now - hurryUntil >= 0) {
            hurrying = false;
            quietSince = hurryUntil;
        }
        return hurrying;
    }

    /** The pace at {@code now}; {@code leaderless}: the current view has no confirmed, running leader. */
    Kind kind(long now, boolean leaderless) {
        if (hurrying(now) || leaderless) {
            return Kind.HURRIED;
        }
        if (watched && calm.compareTo(interval) > 0 && now - quietSince >= SETTLE.toNanos()) {
            return Kind.CALM;
        }
        return Kind.NORMAL;
    }

    Duration delay(Kind kind) {
        return switch (kind) {
            case HURRIED -> hurried;
            case NORMAL -> interval;
            case CALM -> calm;
        };
    }

    /** The delay from one round's end to the next. */
    Duration next(long now, boolean leaderless) {
        return delay(kind(now, leaderless));
    }
}
