package dev.pointsman.stats;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * The counters of one stats listener, shown as its proxy's FRONTEND row. {@code current} and
 * {@code max} are written by the listener's {@link Admission} only; the adders by its handlers.
 */
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
}
