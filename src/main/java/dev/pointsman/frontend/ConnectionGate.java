package dev.pointsman.frontend;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** The process-wide {@code global maxconn}: counts live sessions and pauses every frontend at the limit. */
public final class ConnectionGate {
    private final int maxconn;
    private final AtomicInteger actconn = new AtomicInteger();
    private final List<Frontend> frontends = new CopyOnWriteArrayList<>();

    public ConnectionGate(int maxconn) {
        this.maxconn = maxconn;
    }

    public int actconn() {
        return actconn.get();
    }

    public int maxconn() {
        return maxconn;
    }

    void register(Frontend frontend) {
        frontends.add(frontend);
    }

    /** One more session; true when the process is now at its limit. */
    boolean enter() {
        return actconn.incrementAndGet() >= maxconn;
    }

    /** One session fewer; wakes paused frontends when the process leaves its limit. */
    void leave() {
        if (actconn.getAndDecrement() == maxconn) {
            frontends.forEach(Frontend::resumeIfBelowLimit);
        }
    }

    boolean full() {
        return actconn.get() >= maxconn;
    }

    void pauseAll() {
        frontends.forEach(Frontend::pause);
    }
}
