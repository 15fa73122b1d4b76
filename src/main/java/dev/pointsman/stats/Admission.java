package dev.pointsman.stats;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which connections one stats listener holds: at most {@link ListenerCounters#limit} at once. When
 * it is full, a new connection takes the place of the oldest one that has not yet sent a complete
 * request (an idle or slow client, answered 503 and closed), so half-sent requests can never lock a
 * real one out; only when every held connection has sent its request and is being answered is the
 * new one refused. Stats connections are counted here only, never in the global maxconn kept for
 * database sessions.
 *
 * <p>Owner: the listener's event loop. Every connection of the listener is registered on that one
 * loop, so {@link #admit}, {@link #answering}, {@link #left} and {@link #closeAll} run there, one at a
 * time.
 */
final class Admission {
    private final ListenerCounters counters;
    private final Set<RequestDeadline> held = new HashSet<>();
    /** Held connections whose request is not complete yet, oldest first. */
    private final Set<RequestDeadline> waiting = new LinkedHashSet<>();

    Admission(ListenerCounters counters) {
        this.counters = counters;
    }

    /** A new connection: true when it is held (evicting the oldest waiting one if need be), false when refused. */
    boolean admit(RequestDeadline connection) {
        counters.total.increment();
        if (held.size() >= counters.limit) {
            Iterator<RequestDeadline> oldest = waiting.iterator();
            if (!oldest.hasNext()) {
                counters.refused.increment();
                return false;
            }
            RequestDeadline evicted = oldest.next();
            oldest.remove();
            held.remove(evicted);
            counters.badRequests.increment();
            evicted.evict();
        }
        held.add(connection);
        waiting.add(connection);
        counters.current.set(held.size());
        counters.max.accumulateAndGet(held.size(), Math::max);
        return true;
    }

    /** The connection sent a complete request: from now on it is never evicted. */
    void answering(RequestDeadline connection) {
        waiting.remove(connection);
    }

    /** The connection closed (idempotent; an evicted one was already let go). */
    void left(RequestDeadline connection) {
        waiting.remove(connection);
        if (held.remove(connection)) {
            counters.current.set(held.size());
        }
    }

    /** The listener closes: every held connection is closed now (its handlers release what they hold). */
    void closeAll() {
        for (RequestDeadline c : new ArrayList<>(held)) {
            c.close();
        }
    }

    int held() {
        return held.size();
    }

    int waiting() {
        return waiting.size();
    }
}
