package dev.pointsman.backend;

import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A backend's FIFO queue of sessions waiting for a server slot.
 *
 * <p>Owner: the backend's owner executor; {@link #size()} and {@link #maxSize()} may be read
 * anywhere, and {@link #requestDrain()} may be called anywhere. A waiter is told of its slot or of
 * its timeout on its own event loop, by a task posted there: no session code runs on the owner.
 *
 * <p>A session's time in the queue is bounded in total, not per visit: it starts with a budget of
 * {@code timeout queue}, each visit spends what it waited, and a later visit (a requeue after its
 * server went down while it connected, a replay elsewhere) waits only for what is left. Time spent
 * connecting is not queue time: each connect attempt has {@code timeout connect}.
 */
final class SessionQueue {
    /** A waiter's budget before its first visit. */
    static final long UNSET = Long.MIN_VALUE;

    private final Backend backend;
    /** Both owner only: set at start, and again by a reload. */
    private long timeoutNanos;
    private int limit;
    /** Insertion-ordered: the first entry is the oldest waiter; removal by waiter is O(1). */
    private final LinkedHashMap<Waiter, Entry> entries = new LinkedHashMap<>();
    /** Written by the owner before it tries to pick for a new entry; read by releasing sessions after they freed a slot. */
    private volatile int size;
    private volatile int maxSize;
    private final AtomicBoolean drainPosted = new AtomicBoolean();

    SessionQueue(Backend backend, Optional<Duration> timeout, int limit) {
        this.backend = backend;
        reconfigure(timeout, limit);
    }

    /** A reload's {@code timeout queue} and maxqueue, for waiters that arrive from now on (owner only). */
    void reconfigure(Optional<Duration> timeout, int limit) {
        this.timeoutNanos = timeout.map(t -> Math.max(1, t.toNanos())).orElse(Long.MAX_VALUE);
        this.limit = limit;
    }

    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** Queues {@code waiter}, or refuses it (queue full, or its budget spent); then drains. */
    void add(Waiter waiter) {
        if (entries.containsKey(waiter)) {
            return;
        }
        // slots given back since the last drain go to those already waiting before the limit is judged
        boolean ahead = drain();
        long budget = waiter.queueBudgetNanos();
        if (budget == UNSET) {
            budget = timeoutNanos;
            waiter.queueBudgetNanos(budget);
        }
        if (!ahead && !entries.isEmpty()) {
            // all who wait were passed over (they may not have the server that has room): no one is ahead
            Server s = backend.pick(waiter);
            if (s != null) {
                grant(waiter, s);
                return;
            }
        }
        if (limit > 0 && entries.size() >= limit) {
            refuse(waiter, true);
            return;
        }
        if (budget <= 0) {
            // its time in the queue is spent: a slot free right now is still taken, else it times out
            Server s = entries.isEmpty() ? backend.pick(waiter) : null;
            if (s != null) {
                grant(waiter, s);
            } else {
                refuse(waiter, false);
            }
            return;
        }
        Entry e = new Entry(waiter, backend.now());
        entries.put(waiter, e);
        setSize();
        if (budget != Long.MAX_VALUE) {
            e.timer = backend.owner().schedule(() -> expire(e), budget, TimeUnit.NANOSECONDS);
        }
        drain();
    }

    /** Removes a waiter that went away. */
    void cancel(Waiter waiter) {
        Entry e = entries.remove(waiter);
        if (e != null) {
            leave(e, false);
            setSize();
        }
    }

    /** Asks the owner to drain once; coalesced, so a burst of releases costs one task. */
    void requestDrain() {
        if (drainPosted.compareAndSet(false, true)) {
            backend.onOwner(() -> {
                drainPosted.set(false);
                drain();
            }, () -> drainPosted.set(false));
        }
    }

    /**
     * Hands free slots to queued waiters, oldest first. A waiter that left a server silent and may
     * not have it back is passed over, not waited for: those behind it may take that server. Owner only.
     *
     * @return true when a waiter that could take any server is still waiting (one who came now is behind it)
     */
    boolean drain() {
        Iterator<Entry> it = entries.values().iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            Server s = backend.pick(e.waiter);
            if (s == null) {
                if (e.waiter.shunning() != null) {
                    continue;
                }
                return true;
            }
            it.remove();
            setSize();
            leave(e, true);
            grant(e.waiter, s);
        }
        return false;
    }

    private void expire(Entry e) {
        if (entries.remove(e.waiter, e)) {
            setSize();
            leave(e, false);
            refuse(e.waiter, false);
        }
    }

    /**
     * The entry leaves the queue ({@code granted}: with a server): its timer stops, its wait is
     * charged to the waiter's budget and told to the switchover report.
     */
    private void leave(Entry e, boolean granted) {
        if (e.timer != null) {
            e.timer.cancel(false);
        }
        long waited = Math.max(0, backend.now() - e.sinceNanos);
        long budget = e.waiter.queueBudgetNanos();
        if (budget != Long.MAX_VALUE) {
            e.waiter.queueBudgetNanos(budget - waited);
        }
        backend.primaryChanges().leftQueue(waited, granted);
    }

    private void grant(Waiter waiter, Server s) {
        // if the waiter's loop is gone, the slot comes back without a drain of its own: the caller's loop goes on
        backend.toWaiter(waiter, () -> waiter.granted(s), () -> backend.giveBack(s));
    }

    private void refuse(Waiter waiter, boolean full) {
        backend.counters.queueTimeouts.increment();
        backend.toWaiter(waiter, () -> waiter.queueTimeout(full), null);
    }

    private void setSize() {
        size = entries.size();
        if (size > maxSize) {
            maxSize = size;
        }
    }

    private static final class Entry {
        final Waiter waiter;
        final long sinceNanos;
        ScheduledFuture<?> timer;

        Entry(Waiter waiter, long sinceNanos) {
            this.waiter = waiter;
            this.sinceNanos = sinceNanos;
        }
    }
}
