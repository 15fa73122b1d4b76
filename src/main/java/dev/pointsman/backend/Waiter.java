package dev.pointsman.backend;

import io.netty.util.concurrent.EventExecutor;

/** A connection waiting for a server slot: told on its own event loop when it got one or waited too long. */
interface Waiter {
    EventExecutor executor();

    int sourceHash();

    /** A server to skip when another has room (the one a redispatched connection just failed on). */
    default Server avoid() {
        return null;
    }

    /**
     * The server this waiter left because it did not answer the client's opening while the cluster
     * view doubted it; not given back to it while it stays {@linkplain Server#shunned() shunned}.
     */
    default Server leftSilent() {
        return null;
    }

    /** {@link #leftSilent()} while that server is still {@linkplain Server#shunned() shunned}, else null. */
    default Server shunning() {
        Server s = leftSilent();
        return s != null && s.shunned() ? s : null;
    }

    /** A slot on {@code server} is now held for this waiter. */
    void granted(Server server);

    /**
     * What is left of this waiter's time in the queue ({@code timeout queue} in all, over every
     * visit), in nanoseconds; Long.MIN_VALUE before its first visit, Long.MAX_VALUE when unbounded.
     * Read and written by the backend's owner only.
     */
    long queueBudgetNanos();

    void queueBudgetNanos(long budget);

    /** {@code timeout queue} expired before a slot came free (or the queue was full). */
    void queueTimeout(boolean queueFull);
}
