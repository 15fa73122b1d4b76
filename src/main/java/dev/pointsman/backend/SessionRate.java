package dev.pointsman.backend;

/**
 * HAProxy's session rate ({@code rate}, {@code rate_max}, {@code lastsess}): events counted per
 * one-second period, the rate over the last second estimated as HAProxy's {@code freq_ctr} does —
 * the current period's count plus the previous one's, weighted by how much of the previous second
 * still lies within the last second. Thread-safe; times are {@code System.nanoTime()} values.
 */
public final class SessionRate {
    private static final long SECOND = 1_000_000_000L;

    private long period = Long.MIN_VALUE;
    private long current;
    private long previous;
    private long max;
    private long lastNanos;
    private boolean any;

    /** One session started at {@code nowNanos}. */
    public synchronized void event(long nowNanos) {
        rotate(nowNanos);
        current++;
        lastNanos = nowNanos;
        any = true;
        max = Math.max(max, rateAt(nowNanos));
    }

    /** Sessions over the last second at {@code nowNanos}. */
    public synchronized long rate(long nowNanos) {
        rotate(nowNanos);
        return rateAt(nowNanos);
    }

    /** The highest rate seen at any session start. */
    public synchronized long max() {
        return max;
    }

    /** Whole seconds since the last session, or -1 if there was none (HAProxy's {@code lastsess}). */
    public synchronized long secondsSinceLast(long nowNanos) {
        return any ? Math.max(0, (nowNanos - lastNanos) / SECOND) : -1;
    }

    private void rotate(long nowNanos) {
        long p = Math.floorDiv(nowNanos, SECOND);
        if (p == period) {
            return;
        }
        previous = p == period + 1 ? current : 0;
        current = 0;
        period = p;
    }

    private long rateAt(long nowNanos) {
        long intoPeriod = Math.floorMod(nowNanos, SECOND);
        return current + Math.round(previous * (double) (SECOND - intoPeriod) / SECOND);
    }
}
