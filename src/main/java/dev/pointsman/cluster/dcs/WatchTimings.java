package dev.pointsman.cluster.dcs;

import java.time.Duration;

/**
 * The bounds of one {@link EtcdKeyWatch}.
 *
 * @param connect    TCP connect timeout to one endpoint
 * @param request    how long a range answer, or the watch's "created" notice, may take
 * @param backoffMin the first retry delay after a failure; doubled on each further failure
 * @param backoffMax the longest retry delay
 * @param confirm    after this long without any message on the watch (etcd sends nothing while
 *                   the key does not change), the key is read again on a second connection: a
 *                   failed read is an outage, a read that differs from what the watch said
 *                   means the watch is stale and is replaced. Also the longest a dead stream
 *                   can go unnoticed.
 */
record WatchTimings(Duration connect, Duration request, Duration backoffMin, Duration backoffMax, Duration confirm) {

    static final WatchTimings DEFAULT = new WatchTimings(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5));

    /** The delay before retry number {@code failures} (1 = the first retry). */
    Duration backoff(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 20);
        long millis = backoffMin.toMillis() << shift;
        return Duration.ofMillis(Math.min(millis, backoffMax.toMillis()));
    }
}
