package dev.pointsman.backend;

import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import io.netty.util.concurrent.Future;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * A backend at run time: its servers, the snapshot new sessions pick from, and one FIFO queue.
 *
 * <p>A connection waits in the queue when every usable server is at its maxconn (as in HAProxy)
 * and also — Pointsman's deliberate difference — when no server is usable at all: during a
 * switchover clients see a short wait instead of an error. The queue drains, oldest first, the
 * moment a slot frees or a server becomes usable; waiting is bounded by {@code timeout queue}
 * (default {@code timeout connect}) and by maxqueue.
 */
public final class Backend {
    private final Proxy config;
    private final List<Server> servers;
    private final LongSupplier nanoClock;
    private final Optional<Duration> queueTimeout;
    private final int queueLimit;
    private volatile Snapshot snapshot;
    private final ArrayDeque<Entry> queue = new ArrayDeque<>();
    private volatile int queued;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger maxQueued = new AtomicInteger();
    private final AtomicInteger maxSessions = new AtomicInteger();
    final Counters counters = new Counters();
    private final Availability availability;

    /** Backend totals since start, read by stats. */
    public static final class Counters {
        public final LongAdder total = new LongAdder();
        public final SessionRate rate = new SessionRate();
        public final SessionTimes times = new SessionTimes();
        public final LongAdder connectErrors = new LongAdder();
        public final LongAdder queueTimeouts = new LongAdder();
        public final LongAdder bytesIn = new LongAdder();
        public final LongAdder bytesOut = new LongAdder();
        public final LongAdder retries = new LongAdder();
        public final LongAdder redispatches = new LongAdder();
    }

    public Backend(Proxy config, LongSupplier nanoClock) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.queueTimeout = config.timeouts().effectiveQueue();
        List<Server> list = new ArrayList<>();
        for (ServerConfig sc : config.servers()) {
            list.add(new Server(sc, this, nanoClock.getAsLong()));
        }
        this.servers = List.copyOf(list);
        this.queueLimit = queueLimit(config.servers());
        this.snapshot = Snapshot.of(config.balance(), servers);
        this.availability = new Availability(snapshot.activeUsable() + snapshot.backupUsable() > 0, nanoClock.getAsLong());
    }

    /** maxqueue is per server in HAProxy; with one backend queue the limit is their sum, unlimited if any is 0. */
    private static int queueLimit(List<ServerConfig> servers) {
        int sum = 0;
        for (ServerConfig s : servers) {
            if (s.maxqueue() == 0) {
                return 0;
            }
            sum += s.maxqueue();
        }
        return sum;
    }

    public String name() {
        return config.name();
    }

    public Proxy config() {
        return config;
    }

    public List<Server> servers() {
        return servers;
    }

    public Optional<Server> server(String name) {
        return servers.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public int queued() {
        return queued;
    }

    public int maxQueued() {
        return maxQueued.get();
    }

    public int sessions() {
        return sessions.get();
    }

    public int maxSessions() {
        return maxSessions.get();
    }

    public Counters counters() {
        return counters;
    }

    /** Active servers whose checks say UP and that are not in maintenance, vetoed or not: HAProxy's count in its state lines. */
    public int activeUp() {
        return (int) servers.stream().filter(s -> !s.config().backup() && s.opState() == Server.OpState.UP
                && s.adminState() == Server.AdminState.READY).count();
    }

    /** Backup servers whose checks say UP and that are not in maintenance. */
    public int backupUp() {
        return (int) servers.stream().filter(s -> s.config().backup() && s.opState() == Server.OpState.UP
                && s.adminState() == Server.AdminState.READY).count();
    }

    public int activeUsable() {
        return snapshot.activeUsable();
    }

    public int backupUsable() {
        return snapshot.backupUsable();
    }

    long now() {
        return nanoClock.getAsLong();
    }

    /** Finds a slot for {@code waiter} now, or queues it. */
    void acquire(Waiter waiter) {
        if (queued == 0) {
            Server s = pick(waiter);
            if (s != null) {
                waiter.granted(s);
                return;
            }
        }
        Entry entry;
        synchronized (queue) {
            if (queue.isEmpty()) {
                Server s = pick(waiter);
                if (s != null) {
                    grant(waiter, s);
                    return;
                }
            }
            if (queueLimit > 0 && queue.size() >= queueLimit) {
                entry = null;
            } else {
                entry = new Entry(waiter);
                queue.addLast(entry);
                queued = queue.size();
                maxQueued.accumulateAndGet(queued, Math::max);
            }
        }
        if (entry == null) {
            counters.queueTimeouts.increment();
            waiter.queueTimeout(true);
            return;
        }
        queueTimeout.ifPresent(t -> entry.timer = waiter.executor().schedule(
                () -> expire(entry), Math.max(1, t.toMillis()), TimeUnit.MILLISECONDS));
    }

    /** Removes a waiter that went away (client closed) from the queue. */
    void cancel(Waiter waiter) {
        synchronized (queue) {
            if (queue.removeIf(e -> e.waiter == waiter)) {
                queued = queue.size();
            }
        }
    }

    private void expire(Entry entry) {
        boolean removed;
        synchronized (queue) {
            removed = queue.remove(entry);
            queued = queue.size();
        }
        if (removed) {
            counters.queueTimeouts.increment();
            entry.waiter.queueTimeout(false);
        }
    }

    /** A usable server with room, its slot taken; null when there is none. */
    private Server pick(Waiter waiter) {
        long now = now();
        Server avoid = waiter.avoid();
        for (int attempt = 0; attempt < 4; attempt++) {
            Server s = avoid == null ? null : snapshot.balancer().pick(waiter.sourceHash(), c -> c != avoid && c.hasRoom(now));
            if (s == null) {
                s = snapshot.balancer().pick(waiter.sourceHash(), c -> c.hasRoom(now));
            }
            if (s == null) {
                return null;
            }
            if (s.tryAcquire(now)) {
                int n = sessions.incrementAndGet();
                maxSessions.accumulateAndGet(n, Math::max);
                counters.total.increment();
                counters.rate.event(now);
                return s;
            }
        }
        return null;
    }

    private static void grant(Waiter waiter, Server s) {
        if (waiter.executor().inEventLoop()) {
            waiter.granted(s);
        } else {
            waiter.executor().execute(() -> waiter.granted(s));
        }
    }

    /** Gives a slot back and lets the oldest waiter have it. */
    void release(Server server) {
        server.releaseSlot();
        sessions.decrementAndGet();
        drain();
    }

    /** Hands free slots to queued waiters, oldest first. */
    void drain() {
        while (queued > 0) {
            Entry e;
            Server s;
            synchronized (queue) {
                e = queue.peekFirst();
                if (e == null) {
                    return;
                }
                s = pick(e.waiter);
                if (s == null) {
                    return;
                }
                queue.pollFirst();
                queued = queue.size();
            }
            if (e.timer != null) {
                e.timer.cancel(false);
            }
            grant(e.waiter, s);
        }
    }

    /** Rebuilds the snapshot after a server's state changed, then drains the queue. */
    public synchronized void refresh() {
        snapshot = Snapshot.of(config.balance(), servers);
        availability.update(snapshot.activeUsable() + snapshot.backupUsable() > 0, now());
        drain();
    }

    /** Whether the backend has a usable server, since when, and its DOWN history (stats). */
    public Availability availability() {
        return availability;
    }

    /** Sets a server's operational state (from checks); returns false if it was already so. */
    public boolean setOpState(Server server, Server.OpState state) {
        if (!server.setOpState(state, now())) {
            return false;
        }
        refresh();
        return true;
    }

    /**
     * Keeps a server out of (reason non-null) or lets it back into (null) the pool whatever its
     * checks say, on behalf of {@code source} (each source's veto is set and lifted on its own);
     * returns true when the server's usability changed.
     */
    public boolean setVeto(Server server, String source, String reason) {
        boolean before = server.usable();
        if (!server.setVeto(source, reason)) {
            return false;
        }
        refresh();
        return before != server.usable();
    }

    /** Told when a connection to a server fails, before the session decides to retry or redispatch. */
    public interface ConnectFailureListener {
        void connectFailed(Backend backend, Server server, Throwable cause);
    }

    private volatile ConnectFailureListener connectFailureListener = (b, s, c) -> { };

    public void onConnectFailure(ConnectFailureListener listener) {
        this.connectFailureListener = listener;
    }

    void connectFailed(Server server, Throwable cause) {
        connectFailureListener.connectFailed(this, server, cause);
    }

    /** Sets a server's administrative state (admin API); returns false if it was already so. */
    public boolean setAdminState(Server server, Server.AdminState state) {
        if (!server.setAdminState(state, now())) {
            return false;
        }
        refresh();
        return true;
    }

    /**
     * Closes every session on {@code server} at once, logged with termination {@code code}
     * (D: server went down, U: backup cut because an active server came up, K: admin).
     *
     * @return how many sessions were cut
     */
    public int shutdownSessions(Server server, char code) {
        int n = 0;
        for (Session s : server.liveSessions()) {
            s.kill(code);
            n++;
        }
        server.counters.killed.add(n);
        return n;
    }

    private static final class Entry {
        final Waiter waiter;
        volatile Future<?> timer;

        Entry(Waiter waiter) {
            this.waiter = waiter;
        }
    }
}
