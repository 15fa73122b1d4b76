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

    /** When this waiter's whole wait for a server ends (System.nanoTime() scale), fixed by the backend the first time it queues; Long.MIN_VALUE until then. */
    long queueDeadlineNanos();

    void queueDeadlineNanos(long deadline);

    /** A slot on {@code server} is now held for this waiter. */
    void granted(Server server);

    /** {@code timeout queue} expired before a slot came free (or the queue was full). */
    void queueTimeout(boolean queueFull);
}
