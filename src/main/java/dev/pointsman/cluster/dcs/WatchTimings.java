package dev.pointsman.cluster.dcs;

import java.time.Duration;

/**
 * The bounds of one {@link EtcdLeaderWatch}.
 *
 * @param connect          TCP connect timeout to one endpoint
 * @param request          how long a range answer, or the watch's "created" notice, may take
 * @param backoffMin       the first retry delay after a failure; doubled on each further failure
 * @param backoffMax       the longest retry delay
 * @param progressInterval after this long without any message the watch asks etcd for a progress
 *                         notice (etcd sends nothing while the key does not change)
 * @param progressTimeout  after this long without any message the stream is taken for dead and
 *                         reopened (on the next endpoint)
 */
record WatchTimings(Duration connect, Duration request, Duration backoffMin, Duration backoffMax,
                    Duration progressInterval, Duration progressTimeout) {

    static final WatchTimings DEFAULT = new WatchTimings(Duration.ofSeconds(1), Duration.ofSeconds(2),
            Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofSeconds(5), Duration.ofSeconds(15));

    /** The delay before retry number {@code failures} (1 = the first retry). */
    Duration backoff(int failures) {
        int shift = Math.min(Math.max(failures - 1, 0), 20);
        long millis = backoffMin.toMillis() << shift;
        return Duration.ofMillis(Math.min(millis, backoffMax.toMillis()));
    }
}
