package dev.pointsman.backend;

/**
 * HAProxy's {@code qtime}, {@code ctime}, {@code ttime} and their maxima for a server or a
 * backend: the average of each over the last {@link #WINDOW} sessions that reached a server (a
 * sliding sum, as HAProxy's {@code swrate}: each new sample replaces one window's share of the
 * sum; with fewer samples than the window, the average is over those), in milliseconds.
 * Thread-safe.
 */
public final class SessionTimes {
    /** HAProxy's TIME_STATS_SAMPLES. */
    static final int WINDOW = 1024;

    private long samples;
    private long queueSum;
    private long connectSum;
    private long totalSum;
    private long queueMax;
    private long connectMax;
    private long totalMax;

    /** One session that got a connected server: its queue, connect and total times in ms. */
    public synchronized void record(long queueMillis, long connectMillis, long totalMillis) {
        samples++;
        queueSum = slide(queueSum, queueMillis);
        connectSum = slide(connectSum, connectMillis);
        totalSum = slide(totalSum, totalMillis);
        queueMax = Math.max(queueMax, queueMillis);
        connectMax = Math.max(connectMax, connectMillis);
        totalMax = Math.max(totalMax, totalMillis);
    }

    public synchronized long queueAverage() {
        return average(queueSum);
    }

    public synchronized long connectAverage() {
        return average(connectSum);
    }

    public synchronized long totalAverage() {
        return average(totalSum);
    }

    public synchronized long queueMax() {
        return queueMax;
    }

    public synchronized long connectMax() {
        return connectMax;
    }

    public synchronized long totalMax() {
        return totalMax;
    }

    private long slide(long sum, long sample) {
        return samples > WINDOW ? sum - sum / WINDOW + sample : sum + sample;
    }

    private long average(long sum) {
        long n = Math.min(samples, WINDOW);
        return n == 0 ? 0 : Math.round((double) sum / n);
    }
}
