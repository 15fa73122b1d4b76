package dev.pointsman.frontend;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The process-wide {@code global maxconn}: counts live sessions; a count that reaches or leaves the
 * limit wakes every frontend, whose listeners then set their autoRead from the counts as they are.
 */
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

    /** Every frontend of the process (a reload's new ones from when they are made). */
    List<Frontend> frontends() {
        return frontends;
    }

    /** A reload removed the frontend (or gave up adding it): it no longer needs waking. */
    public void unregister(Frontend frontend) {
        frontends.remove(frontend);
    }

    /**
     * Takes one slot of the process's limit: false, taking none, when none is left. Listeners on
     * several event loops take slots at once: the count never passes the limit. Called by
     * {@link Frontend#enter} under this gate's lock, with the frontend's own count.
     */
    boolean enter() {
        int n;
        do {
            n = actconn.get();
            if (n >= maxconn) {
                return false;
            }
        } while (!actconn.compareAndSet(n, n + 1));
        return true;
    }

    /** One session fewer; true when the process was at (or over) its limit before. */
    boolean leave() {
        return actconn.getAndDecrement() >= maxconn;
    }

    boolean full() {
        return actconn.get() >= maxconn;
    }

    /** The process reached or left its limit: every frontend's listeners reconsider accepting. */
    void wakeAll() {
        frontends.forEach(Frontend::wake);
    }
}
