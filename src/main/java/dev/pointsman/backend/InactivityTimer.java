package dev.pointsman.backend;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.TimeUnit;

/**
 * {@code timeout client} and {@code timeout server} of one session, as one timer on the session's
 * event loop (instead of an idle handler per channel). Relaying in either direction counts as
 * activity on both sides: data flowing to a side that does not take it stops the relay through
 * backpressure, and then the timer runs out. The side whose timeout runs out first ends the
 * session ({@code c} or {@code s}); after a FIN the side's {@code -fin} timeout replaces its own,
 * counted from the FIN, and the timer is armed again for it (with {@code timeout client 30m} and
 * {@code timeout client-fin 1s} the session ends a second after the client's FIN).
 *
 * <p>Time is the event loop's own clock ({@link EventLoop#ticker()}: {@code System.nanoTime} on a
 * real loop, the test's clock on an {@code EmbeddedChannel}'s). Owner: that event loop.
 */
final class InactivityTimer {
    /** Told on the event loop which side's timeout ran out: {@code 'c'} or {@code 's'}. */
    interface Expiry {
        void expired(char side);
    }

    private final EventLoop loop;
    private final Ticker clock;
    private final Expiry expiry;
    private long clientMillis;
    private long serverMillis;
    private long lastActivityNanos;
    private ScheduledFuture<?> timer;
    private boolean started;
    private boolean stopped;

    /** @param clientMillis 0 = no client timeout; likewise {@code serverMillis} */
    InactivityTimer(EventLoop loop, long clientMillis, long serverMillis, Expiry expiry) {
        this.loop = loop;
        this.clock = loop.ticker();
        this.clientMillis = clientMillis;
        this.serverMillis = serverMillis;
        this.expiry = expiry;
    }

    /** Starts counting (again) from now; arms the timer once. */
    void start() {
        lastActivityNanos = clock.nanoTime();
        started = true;
        if (timer == null) {
            arm(shortest());
        }
    }

    void touch() {
        lastActivityNanos = clock.nanoTime();
    }

    /** The client sent its FIN: from now on its side times out after {@code finMillis} (0 = keep {@code timeout client}). */
    void clientFin(long finMillis) {
        if (finMillis > 0) {
            clientMillis = finMillis;
            rearm();
        }
    }

    void serverFin(long finMillis) {
        if (finMillis > 0) {
            serverMillis = finMillis;
            rearm();
        }
    }

    /** The client side's timeout in force now (after a FIN, its {@code -fin} timeout); 0 = none. */
    long clientMillis() {
        return clientMillis;
    }

    long serverMillis() {
        return serverMillis;
    }

    void stop() {
        stopped = true;
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /** A timeout changed: the FIN counts as activity, and the timer runs for the new shortest timeout. */
    private void rearm() {
        lastActivityNanos = clock.nanoTime();
        if (!started || stopped) {
            return;
        }
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        arm(shortest());
    }

    private long shortest() {
        if (clientMillis == 0) {
            return serverMillis;
        }
        return serverMillis == 0 ? clientMillis : Math.min(clientMillis, serverMillis);
    }

    private void arm(long millis) {
        if (millis > 0 && !stopped) {
            timer = loop.schedule(this::check, millis, TimeUnit.MILLISECONDS);
        }
    }

    private void check() {
        timer = null;
        if (stopped) {
            return;
        }
        long idle = TimeUnit.NANOSECONDS.toMillis(clock.nanoTime() - lastActivityNanos);
        if (clientMillis > 0 && idle >= clientMillis
                && (serverMillis == 0 || clientMillis <= serverMillis || idle < serverMillis)) {
            expiry.expired('c');
        } else if (serverMillis > 0 && idle >= serverMillis) {
            expiry.expired('s');
        } else {
            arm(Math.max(1, shortest() - idle));
        }
    }
}
