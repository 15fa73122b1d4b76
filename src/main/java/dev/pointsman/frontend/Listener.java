package dev.pointsman.frontend;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

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
 * <p>Each accepted connection takes a session slot before it goes on ({@link #take}). Several
 * sockets of one frontend (one per event loop, SO_REUSEPORT) accept at the same time, so one may
 * accept while another takes the last slot: that connection, accepted but not counted, waits here,
 * unread like one in the kernel's queue, until a slot frees (the wake that follows) or the socket
 * closes (then it is closed too). So maxconn holds however many sockets accept.
 *
 * <p>Owner: the listener channel's event loop alone sets autoRead, the back-off deadline and the
 * waiting connections; other threads only {@link #wake()} it.
 */
final class Listener {
    /** HAProxy pauses a listener for 100 ms after EMFILE, ENFILE or ENOMEM on accept, then tries again. */
    static final Duration ACCEPT_BACKOFF = Duration.ofMillis(100);

    private final Channel channel;
    private final BooleanSupplier admits;
    private final BooleanSupplier enter;
    /** Event loop only: connections accepted while no slot was left, oldest first. */
    private final ArrayDeque<Channel> waiting = new ArrayDeque<>();
    /** Where a counted connection goes on (set once by the {@link AcceptGate} before the socket accepts). */
    private Consumer<Channel> handOn = child -> { };
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final Runnable scheduledReconcile = this::runScheduled;
    private final Runnable timerReconcile = this::runTimer;
    /** Event loop only: when the back-off after an accept error ends ({@link #backingOff} tells if one runs). */
    private long backoffUntil;
    private boolean backingOff;
    private boolean timerArmed;

    /** A listener whose connections need no slot: {@code admits} is both the check and the taking. */
    Listener(Channel channel, BooleanSupplier admits) {
        this(channel, admits, admits);
    }

    /**
     * @param channel the bound (or binding) server channel
     * @param admits  true while the frontend may take another session; safe to call from the event loop
     * @param enter   takes a session slot: true when taken (counted), false at a limit
     */
    Listener(Channel channel, BooleanSupplier admits, BooleanSupplier enter) {
        this.channel = channel;
        this.admits = admits;
        this.enter = enter;
        channel.closeFuture().addListener(f -> closeWaiting());
    }

    void handOn(Consumer<Channel> next) {
        this.handOn = next;
    }

    /**
     * An accepted connection: true when it took a slot and goes on now; false when it waits here
     * for one (behind any already waiting). Event loop only.
     */
    boolean take(Channel child) {
        if (waiting.isEmpty() && enter.getAsBoolean()) {
            return true;
        }
        waiting.add(child);
        reconcile();
        return false;
    }

    /** Connections waiting for a slot (accepted, not counted). Event loop only. */
    int waiting() {
        return waiting.size();
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

    /** Sets autoRead from the facts as they are now, after handing on what waits while slots are free. Event loop only. */
    private void reconcile() {
        if (backingOff && now() - backoffUntil >= 0) {
            backingOff = false;
        }
        while (!waiting.isEmpty() && channel.isOpen()) {
            // polled before entering: taking a slot may wake this listener again, here, on its loop
            Channel child = waiting.poll();
            if (!enter.getAsBoolean()) {
                waiting.addFirst(child);
                break;
            }
            handOn.accept(child);
        }
        boolean open = !backingOff && waiting.isEmpty() && admits.getAsBoolean();
        if (channel.config().isAutoRead() != open) {
            channel.config().setAutoRead(open);
        }
        if (backingOff && !timerArmed && channel.isOpen()) {
            timerArmed = true;
            channel.eventLoop().schedule(timerReconcile, backoffUntil - now(), TimeUnit.NANOSECONDS);
        }
    }

    /** The socket closed: what waits for a slot is closed (never counted, nothing else to undo). */
    private void closeWaiting() {
        for (Channel child = waiting.poll(); child != null; child = waiting.poll()) {
            child.unsafe().closeForcibly();
        }
    }

    /** The event loop's clock (frozen and advanced by tests). */
    long now() {
        return channel.eventLoop().ticker().nanoTime();
    }
}
