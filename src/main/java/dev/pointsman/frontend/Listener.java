package dev.pointsman.frontend;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;

/**
 * One bound listening socket, and the one place that decides whether it accepts (its autoRead).
 *
 * <p>The decision is a function of the current facts: the frontend admits another session (not
 * stopped, below its maxconn and the process's) and no accept error back-off is running. Whoever
 * changes a fact calls {@link #wake()}; a wake from another thread schedules one reconcile on the
 * listener's event loop (several wakes before it runs share it), a wake on that loop reconciles at
 * once. A reconcile clears its flag before it reads the facts, so a change made while it runs
 * schedules another: the last reconcile sees the last change, whatever the interleaving.
 *
 * <p>Owner: the listener channel's event loop alone sets autoRead and the back-off deadline;
 * other threads only {@link #wake()} it.
 */
final class Listener {
    /** HAProxy pauses a listener for 100 ms after EMFILE, ENFILE or ENOMEM on accept, then tries again. */
    static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

    private final Channel channel;
    private final BooleanSupplier admits;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable scheduledReconcile = this::runScheduled;
    private final Runnable timerReconcile = this::runTimer;
    /** Event loop only: when the back-off after an accept error ends ({@link #backingOff} tells if one runs). */
    private long backoffUntil;
    private boolean backingOff;
    private boolean timerArmed;

    /**
     * @param channel the bound (or binding) server channel
     * @param admits  true while the frontend may take another session; safe to call from the event loop
     */
    Listener(Channel channel, BooleanSupplier admits) {
        this.channel = channel;
        this.admits = admits;
    }

    Channel channel() {
        return channel;
    }

    /** Some fact changed: reconcile at once on the event loop, else once soon on it. Any thread. */
    void wake() {
        EventLoop loop = channel.eventLoop();
        if (loop.inEventLoop()) {
            reconcile();
        } else if (scheduled.compareAndSet(false, true)) {
            try {
                loop.execute(scheduledReconcile);
            } catch (RuntimeException e) {
                scheduled.set(false); // the loop is shutting down: nothing left to accept on
            }
        }
    }

    /** An accept failed (EMFILE...): stop accepting on this socket for {@link #ACCEPT_BACKOFF}. Event loop only. */
    void acceptFailed() {
        backoffUntil = now() + ACCEPT_BACKOFF.toNanos();
        backingOff = true;
        reconcile();
    }

    /** True while this socket accepts (autoRead on). */
    boolean accepting() {
        return channel.isOpen() && channel.config().isAutoRead();
    }

    private void runScheduled() {
        scheduled.set(false);
        reconcile();
    }

    private void runTimer() {
        timerArmed = false;
        reconcile();
    }

    /** Sets autoRead from the facts as they are now. Event loop only. */
    private void reconcile() {
        if (backingOff && now() - backoffUntil >= 0) {
            backingOff = false;
        }
        boolean open = !backingOff && admits.getAsBoolean();
        if (channel.config().isAutoRead() != open) {
            channel.config().setAutoRead(open);
        }
        if (backingOff && !timerArmed && channel.isOpen()) {
            timerArmed = true;
            channel.eventLoop().schedule(timerReconcile, backoffUntil - now(), TimeUnit.NANOSECONDS);
        }
    }

    /** The event loop's clock (frozen and advanced by tests). */
    long now() {
        return channel.eventLoop().ticker().nanoTime();
    }
}
