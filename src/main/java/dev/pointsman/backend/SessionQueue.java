package dev.pointsman.backend;

import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
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
 * <p>A session's whole wait is bounded: the first time it queues, its deadline is set to now +
 * {@code timeout queue}, and every later time (a requeue after its server went down while it
 * connected, a replay elsewhere) it waits only for what is left.
 */
final class SessionQueue {
    private final Backend backend;
    private final Optional<Duration> timeout;
    private final int limit;
    private final ArrayDeque<Entry> entries = new ArrayDeque<>();
    /** Written by the owner before it tries to pick for a new entry; read by releasing sessions after they freed a slot. */
    private volatile int size;
    private volatile int maxSize;
    private final AtomicBoolean drainPosted = new AtomicBoolean();

    SessionQueue(Backend backend, Optional<Duration> timeout, int limit) {
        this.backend = backend;
        this.timeout = timeout;
        this.limit = limit;
    }

    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    /** Queues {@code waiter}, or refuses it (queue full, or its whole wait already spent), then drains. */
    void add(Waiter waiter) {
        long now = backend.now();
        long deadline = waiter.queueDeadlineNanos();
        if (deadline == Long.MIN_VALUE) {
            deadline = timeout.map(t -> now + Math.max(1, t.toNanos())).orElse(Long.MAX_VALUE);
            waiter.queueDeadlineNanos(deadline);
        }
        if (limit > 0 && entries.size() >= limit) {
            refuse(waiter, true);
            return;
        }
        if (deadline - now <= 0) {
            // its wait is spent: a slot free right now is still taken, else it times out
            Server s = entries.isEmpty() ? backend.pick(waiter) : null;
            if (s != null) {
                grant(waiter, s);
            } else {
                refuse(waiter, false);
            }
            return;
        }
        Entry e = new Entry(waiter);
        entries.addLast(e);
        setSize();
        if (deadline != Long.MAX_VALUE) {
            e.timer = backend.owner().schedule(() -> expire(e), deadline - now, TimeUnit.NANOSECONDS);
        }
        drain();
    }

    /** Removes a waiter that went away. */
    void cancel(Waiter waiter) {
        for (Iterator<Entry> it = entries.iterator(); it.hasNext(); ) {
            Entry e = it.next();
            if (e.waiter == waiter) {
                it.remove();
                e.cancelTimer();
                setSize();
                return;
            }
        }
    }

    /** Asks the owner to drain once; coalesced, so a burst of releases costs one task. */
    void requestDrain() {
        if (drainPosted.compareAndSet(false, true)) {
            backend.onOwner(() -> {
                drainPosted.set(false);
                drain();
            });
        }
    }

    /** Hands free slots to queued waiters, oldest first. Owner only. */
    void drain() {
        while (!entries.isEmpty()) {
            Entry e = entries.peekFirst();
            Server s = backend.pick(e.waiter);
            if (s == null) {
                return;
            }
            entries.pollFirst();
            setSize();
            e.cancelTimer();
            grant(e.waiter, s);
        }
    }

    private void expire(Entry e) {
        if (entries.remove(e)) {
            setSize();
            refuse(e.waiter, false);
        }
    }

    private void grant(Waiter waiter, Server s) {
        // if the waiter's loop is gone, the slot comes back here
        backend.toWaiter(waiter, () -> waiter.granted(s), () -> backend.release(s));
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
        ScheduledFuture<?> timer;

        Entry(Waiter waiter) {
            this.waiter = waiter;
        }

        void cancelTimer() {
            if (timer != null) {
                timer.cancel(false);
            }
        }
    }
}
