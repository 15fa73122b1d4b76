package dev.pointsman.stats;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** The counters of one stats listener, shown as its proxy's FRONTEND row. */
final class ListenerCounters {
    final AtomicInteger current = new AtomicInteger();
    final AtomicInteger max = new AtomicInteger();
    final LongAdder total = new LongAdder();
    final LongAdder refused = new LongAdder();
    final LongAdder badRequests = new LongAdder();
    final LongAdder denied = new LongAdder();
    final LongAdder bytesIn = new LongAdder();
    final LongAdder bytesOut = new LongAdder();
    final LongAdder intercepted = new LongAdder();
    final int limit;
    volatile boolean open = true;

    ListenerCounters(int limit) {
        this.limit = limit;
    }

    /** Counts a new connection; false when the cap is reached (the connection is then refused). */
    boolean enter() {
        total.increment();
        int n = current.incrementAndGet();
        if (n > limit) {
            current.decrementAndGet();
            refused.increment();
            return false;
        }
        max.accumulateAndGet(n, Math::max);
        return true;
    }

    void leave() {
        current.decrementAndGet();
    }
}
