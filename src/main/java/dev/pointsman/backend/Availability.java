package dev.pointsman.backend;

/**
 * A backend's UP/DOWN history for stats: UP while at least one server is usable. Written under
 * the backend's lock when its snapshot is rebuilt, read by stats at any time.
 */
public final class Availability {
    private volatile boolean up;
    private volatile long lastChangeNanos;
    private volatile long downSinceNanos;
    private volatile long downtimeNanos;
    private volatile long downTransitions;

    Availability(boolean up, long nowNanos) {
        this.up = up;
        this.lastChangeNanos = nowNanos;
        this.downSinceNanos = nowNanos;
    }

    synchronized void update(boolean nowUp, long nowNanos) {
        if (nowUp == up) {
            return;
        }
        if (nowUp) {
            downtimeNanos += Math.max(0, nowNanos - downSinceNanos);
        } else {
            downSinceNanos = nowNanos;
            downTransitions++;
        }
        up = nowUp;
        lastChangeNanos = nowNanos;
    }

    public boolean up() {
        return up;
    }

    public long lastChangeNanos() {
        return lastChangeNanos;
    }

    /** UP to DOWN transitions since start. */
    public long downTransitions() {
        return downTransitions;
    }

    public long downtimeNanos(long nowNanos) {
        return downtimeNanos + (up ? 0 : Math.max(0, nowNanos - downSinceNanos));
    }
}
