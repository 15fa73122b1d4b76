package dev.pointsman.backend;

import java.util.concurrent.atomic.LongAdder;

/**
 * What servers and backends both count of their sessions since start, read by stats. Written by
 * sessions on their event loops (adders: no owner needed).
 */
public class TrafficCounters {
    public final LongAdder total = new LongAdder();
    public final SessionRate rate = new SessionRate();
    public final SessionTimes times = new SessionTimes();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();
    public final LongAdder connectErrors = new LongAdder();
    public final LongAdder retries = new LongAdder();
    public final LongAdder redispatches = new LongAdder();

    TrafficCounters() {}

    /** A session took a slot at {@code nowNanos}. */
    void started(long nowNanos) {
        total.increment();
        rate.event(nowNanos);
    }
}
