package dev.pointsman.stats;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * Which connections one stats listener holds: at most {@link ListenerCounters#limit} places at once.
 * When it is full, a new connection takes the place of the oldest one that has not yet sent a
 * complete request (an idle or slow client, answered 503 and closed at once), so half-sent requests
 * can never lock a real one out; failing that, of the oldest one whose answer is still being written
 * (a client that does not read it: closed at once). Only when every place is taken by a request
 * being rendered (at most the renderer's queue and its one thread) is the new one refused. Stats
 * connections are counted here only, never in the global maxconn kept for database sessions.
 *
 * <p>A connection is held from its admission until its channel is inactive, so that
 * {@link #closeAll} reaches every connection still registered. One that was refused or evicted here
 * is closed there and then (its descriptor is released), so it takes no place while its
 * channelInactive is still to run.
 *
 * <p>Owner: the listener's event loop. Every connection of the listener is registered on that one
 * loop, so {@link #admit}, {@link #answering}, {@link #sending}, {@link #closing}, {@link #left} and
 * {@link #closeAll} run there, one at a time.
 */
final class Admission {
    private final ListenerCounters counters;
    /** Admitted, channelInactive not run yet. */
    private final Set<RequestDeadline> held = new HashSet<>();
    /** Held connections whose request is not complete yet, oldest first. */
    private final Set<RequestDeadline> waiting = new LinkedHashSet<>();
    /** Held connections whose answer is being written, oldest first (it closes once written). */
    private final Set<RequestDeadline> sending = new LinkedHashSet<>();
    /** Held connections closed by their refusal, channelInactive not run yet: they take no place. */
    private final Set<RequestDeadline> closing = new HashSet<>();

    Admission(ListenerCounters counters) {
        this.counters = counters;
    }

    /**
     * A new connection: true when it is held (evicting the oldest waiting one, else the oldest sending
     * one, if need be), false when refused.
     */
    boolean admit(RequestDeadline connection) {
        counters.total.increment();
        if (places() >= counters.limit) {
            Iterator<RequestDeadline> incomplete = waiting.iterator();
            Iterator<RequestDeadline> unread = sending.iterator();
            if (incomplete.hasNext()) {
                RequestDeadline evicted = incomplete.next();
                closing(evicted);
                counters.badRequests.increment();
                evicted.evict();
            } else if (unread.hasNext()) {
                RequestDeadline cut = unread.next();
                closing(cut);
                cut.cut();
            } else {
                counters.refused.increment();
                return false;
            }
        }
        held.add(connection);
        waiting.add(connection);
        count();
        counters.max.accumulateAndGet(places(), Math::max);
        return true;
    }

    /** The connection sent a complete request: it is not evicted while its answer is rendered. */
    void answering(RequestDeadline connection) {
        waiting.remove(connection);
    }

    /** The connection's answer is being written: until it closes, it gives way when the listener is full. */
    void sending(RequestDeadline connection) {
        if (held.contains(connection) && !closing.contains(connection)) {
            sending.add(connection);
        }
    }

    /** The connection was refused and closed: it gives up its place now, and stays held until it is inactive. */
    void closing(RequestDeadline connection) {
        waiting.remove(connection);
        sending.remove(connection);
        if (held.contains(connection)) {
            closing.add(connection);
        }
        count();
    }

    /** The connection's channel is inactive (idempotent). */
    void left(RequestDeadline connection) {
        waiting.remove(connection);
        sending.remove(connection);
        closing.remove(connection);
        held.remove(connection);
        count();
    }

    /** The listener closes: every held connection is closed now (its handlers release what they hold). */
    void closeAll() {
        for (RequestDeadline c : new ArrayList<>(held)) {
            c.close();
        }
    }

    /** Connections held, those closing included. */
    int held() {
        return held.size();
    }

    int waiting() {
        return waiting.size();
    }

    /** Places taken: held connections not closing. */
    private int places() {
        return held.size() - closing.size();
    }

    private void count() {
        counters.current.set(places());
    }
}
