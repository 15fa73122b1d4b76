package dev.pointsman.backend;

import io.netty.channel.EventLoop;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * One session's watch on a server that says nothing while the cluster view doubts it:
 * {@link Session#GREETING_WAIT_MILLIS} after the client's opening (or each piece of it, or the
 * replayed opening) reached the doubted server, or after the doubt began, the session is asked
 * whether the server is still silent and what to do (the answer says whether to keep watching).
 * A server that speaks stops the watch; a server the view does not doubt costs no timer.
 *
 * <p>Owner: the session's event loop.
 */
final class GreetingWatch {
    private final EventLoop loop;
    private final BooleanSupplier due;
    private ScheduledFuture<?> timer;

    /** @param due run when the wait ran out; true to wait once more */
    GreetingWatch(EventLoop loop, BooleanSupplier due) {
        this.loop = loop;
        this.due = due;
    }

    /** Starts (again) from now. */
    void start() {
        stop();
        timer = loop.schedule(this::fire, Session.GREETING_WAIT_MILLIS, TimeUnit.MILLISECONDS);
    }

    void stop() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void fire() {
        timer = null;
        if (due.getAsBoolean()) {
            start();
        }
    }
}
