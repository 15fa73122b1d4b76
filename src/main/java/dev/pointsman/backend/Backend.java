package dev.pointsman.backend;

import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A backend at run time: its servers, the snapshot new sessions pick from, and one FIFO queue.
 *
 * <p>A connection waits in the queue when every usable server is at its maxconn (as in HAProxy)
 * and also — Pointsman's deliberate difference — when no server is usable at all: during a
 * switchover clients see a short wait instead of an error. The queue drains, oldest first, the
 * moment a slot frees or a server becomes usable; a session's whole wait (every time it queues,
 * requeues included) is bounded by {@code timeout queue} (default {@code timeout connect}) and the
 * queue's length by maxqueue.
 *
 * <p>Owner: one executor ({@link #owner()}) applies every change of routing state in order — the
 * servers' operational and administrative states and vetoes (from checks, the DCS watch, the
 * cluster view, connect failures), the snapshot rebuilt after each, the queue, and a reload's new
 * settings and server list ({@link #reconfigure}) — as HAProxy
 * changes a server under its lock and Envoy on its main thread. Sessions on any event loop read
 * the published snapshot and take slots with atomics; what they cannot do at once (queue, cancel,
 * report a failed connect) they send to the owner, which answers on the session's own loop, never
 * running a session's code itself.
 */
public final class Backend {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");
    /** Both written by the owner alone (a reload), read anywhere. */
    private volatile Proxy config;
    private volatile List<Server> servers;
    private final LongSupplier nanoClock;
    private final EventLoop owner;
    private final SessionQueue queue;
    private volatile Snapshot snapshot;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger maxSessions = new AtomicInteger();
    final Counters counters = new Counters();
    private final Availability availability;
    private volatile ConnectFailureListener connectFailureListener = (b, s, c) -> { };
    private final PrimaryChanges primaryChanges = new PrimaryChanges(this, System::currentTimeMillis);

    /** Backend totals since start, read by stats. */
    public static final class Counters extends TrafficCounters {
        public final LongAdder queueTimeouts = new LongAdder();
    }

    /**
     * @param owner the executor that alone changes this backend's routing state (an event loop of
     *              the proxy's group); sessions may run on any loop
     */
    public Backend(Proxy config, LongSupplier nanoClock, EventLoop owner) {
        this.config = config;
        this.nanoClock = nanoClock;
        this.owner = owner;
        List<Server> list = new ArrayList<>();
        for (ServerConfig sc : config.servers()) {
            list.add(new Server(sc, this, nanoClock.getAsLong()));
        }
        this.servers = List.copyOf(list);
        this.snapshot = Snapshot.of(config.balance(), servers);
        this.queue = new SessionQueue(this, config.timeouts().effectiveQueue(), queueLimit(config.servers()));
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
        for (Server s : servers) {
            if (s.name().equals(name)) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /** The event loop that alone changes this backend's routing state. */
    public EventLoop owner() {
        return owner;
    }

    public int queued() {
        return queue.size();
    }

    public int maxQueued() {
        return queue.maxSize();
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

    /** The switchover report: the changes of primary seen on this backend (a primary pool). */
    public PrimaryChanges primaryChanges() {
        return primaryChanges;
    }

    /** Whether the backend has a usable server, since when, and its DOWN history (stats). */
    public Availability availability() {
        return availability;
    }

    // ---- the connection flow: any event loop ----

    /** Finds a slot for {@code waiter} now (on the caller's loop), or sends it to the owner's queue. */
    void acquire(Waiter waiter) {
        if (queue.size() == 0) {
            Server s = pick(waiter);
            if (s != null) {
                waiter.granted(s);
                return;
            }
        }
        onOwner(() -> queue.add(waiter), () -> waiter.queueTimeout(false));
    }

    /** Removes a waiter that went away (client closed) from the queue. */
    void cancel(Waiter waiter) {
        onOwner(() -> queue.cancel(waiter), null);
    }

    /** Something that kept waiters from a server changed (a doubt cleared or disproved): the queue is drained. Any thread. */
    void queueMayMove() {
        if (queue.size() > 0) {
            queue.requestDrain();
        }
    }

    /** Gives a slot back and lets the oldest waiter have it. */
    void release(Server server) {
        giveBack(server);
        // the queue's size is written before it tries a pick: either that pick sees this slot or this read sees the waiter
        if (queue.size() > 0) {
            queue.requestDrain();
        }
    }

    /** Gives a slot back without asking for a drain (the owner's drain loop, whose grant was refused). */
    void giveBack(Server server) {
        server.releaseSlot();
        sessions.decrementAndGet();
    }

    /**
     * A usable server with room, its slot taken; null when there is none. Never the server the
     * waiter left silent while that one stays {@linkplain Server#shunned() shunned}. Any thread.
     */
    Server pick(Waiter waiter) {
        long now = now();
        Server avoid = waiter.avoid();
        Server shun = waiter.shunning();
        Snapshot snap = snapshot;
        for (int attempt = 0; attempt < 4; attempt++) {
            Server s = avoid == null ? null
                    : snap.balancer().pick(waiter.sourceHash(), c -> c != avoid && c != shun && c.hasRoom(now));
            if (s == null) {
                s = snap.balancer().pick(waiter.sourceHash(), c -> c != shun && c.hasRoom(now));
            }
            if (s == null) {
                return null;
            }
            if (s.tryAcquire(now)) {
                int n = sessions.incrementAndGet();
                maxSessions.accumulateAndGet(n, Math::max);
                counters.started(now);
                return s;
            }
        }
        return null;
    }

    /**
     * A session's connection to {@code server} failed (or was refused at startup): the owner lets
     * the connect-failure listener act on it (withdraw the server), then runs {@code then} on
     * {@code waiter}'s loop, where the session decides to requeue, retry or give up — seeing the
     * server's state as the listener left it.
     */
    void connectFailed(Waiter waiter, Server server, Throwable cause, Runnable then) {
        onOwner(() -> {
            try {
                primaryChanges.connectFailed();
                connectFailureListener.connectFailed(this, server, cause);
            } finally {
                toWaiter(waiter, then, null);
            }
        }, then);
    }

    /** Runs {@code task} on the waiter's loop; if that loop is gone, {@code orElse} (may be null) runs here. */
    void toWaiter(Waiter waiter, Runnable task, Runnable orElse) {
        try {
            waiter.executor().execute(task);
        } catch (RejectedExecutionException gone) {
            if (orElse != null) {
                orElse.run();
            }
        }
    }

    // ---- routing state: the owner alone ----

    /** Told when a connection to a server fails, on the backend's owner. */
    public interface ConnectFailureListener {
        void connectFailed(Backend backend, Server server, Throwable cause);
    }

    public void onConnectFailure(ConnectFailureListener listener) {
        this.connectFailureListener = listener;
    }

    /** Sets a server's operational state (from checks); the future says whether it changed. */
    public Future<Boolean> setOpState(Server server, Server.OpState state) {
        return onOwner(() -> {
            if (!server.setOpState(state, now())) {
                return false;
            }
            refresh();
            if (server.ramping(now())) {
                rampDrain(server);
            }
            return true;
        });
    }

    /**
     * While {@code slowstart} ramps a server's maxconn up, slots appear without any session ending:
     * the queue is drained as they do, a step of the ramp at a time.
     */
    private void rampDrain(Server server) {
        long step = Math.max(TimeUnit.MILLISECONDS.toNanos(10),
                server.config().slowstart().orElseThrow().toNanos() / server.config().maxconn());
        owner.schedule(() -> {
            if (server.opState() == Server.OpState.UP && server.usable()) {
                queue.drain();
                if (server.ramping(now())) {
                    rampDrain(server);
                }
            }
        }, step, TimeUnit.NANOSECONDS);
    }

    /** Sets a server's administrative state (admin API); the future says whether it changed. */
    public Future<Boolean> setAdminState(Server server, Server.AdminState state) {
        return onOwner(() -> AdminChange.apply(this, server, state).changed());
    }

    /**
     * Sets a server's administrative state (admin API): DRAIN and MAINT take no new sessions, MAINT
     * also cuts the server's sessions when it has {@code on-marked-down shutdown-sessions}, as in
     * HAProxy; READY lets the queue drain to it. The future carries the counts of the state line.
     */
    public Future<AdminChange> changeAdminState(Server server, Server.AdminState state) {
        return onOwner(() -> AdminChange.apply(this, server, state));
    }

    /** Sets a server's weight (admin API): the snapshot is rebuilt with it; the future says whether it changed. */
    public Future<Boolean> setWeight(Server server, int weight) {
        return onOwner(() -> {
            if (!server.setWeight(weight)) {
                return false;
            }
            refresh();
            return true;
        });
    }

    /**
     * Keeps {@code server} out of its pool on behalf of {@code source}, whatever its checks say.
     * When that takes a usable server out: its sessions are cut if {@code cutSessions} and the
     * server has {@code on-marked-down shutdown-sessions}, and one line is logged. The future
     * says whether the server's usability changed.
     */
    public Future<Boolean> withdraw(Server server, Veto source, String reason, boolean cutSessions) {
        return onOwner(() -> {
            boolean wasUsable = server.usable();
            // a source that newly says "not this one and not its sessions" ends them, even when it or
            // another source had already kept new ones away (a leader stopping, a switchover request)
            boolean fresh = server.vetoOf(source).map(w -> !w.cutsSessions()).orElse(true);
            if (!server.setVeto(source, reason, cutSessions, now())) {
                return false;
            }
            refresh();
            int cut = fresh && cutSessions && server.config().shutdownSessionsOnDown() && server.sessions() > 0
                    ? shutdownSessions(server, 'D') : 0;
            if (wasUsable || cut > 0) {
                source.log().warn("Server {}/{} withdrawn ({}): {}{}", name(), server.name(), source.label(), reason,
                        cut > 0 ? "; " + cut + " sessions cut" : "");
            }
            return wasUsable;
        });
    }

    /** Lifts {@code source}'s veto; logs {@code why} when that makes the server usable again. */
    public Future<Boolean> allow(Server server, Veto source, String why) {
        return onOwner(() -> {
            if (!server.setVeto(source, null, now())) {
                return false;
            }
            refresh();
            if (!server.usable()) {
                return false;
            }
            source.log().info("Server {}/{} back in its pool ({}): {}", name(), server.name(), source.label(), why);
            return true;
        });
    }

    /** What a reload did to a backend's servers. */
    public record Reconfigured(List<Server> added, List<Server> removed) {}

    /**
     * A reload: the backend takes {@code next}'s settings and servers. A server of the same name
     * that is not in {@code fresh} is kept, with its state, counters and sessions, and takes its new
     * settings in place; every other server of {@code next} is new (DOWN until checked, when
     * checked), and a server not kept leaves the snapshot at once. The sessions of removed servers
     * are the caller's to end or leave. On the owner; the future says who came and went.
     */
    public Future<Reconfigured> reconfigure(Proxy next, java.util.Set<String> fresh) {
        return onOwner(() -> {
            List<Server> list = new ArrayList<>();
            List<Server> added = new ArrayList<>();
            for (ServerConfig sc : next.servers()) {
                Server kept = fresh.contains(sc.name()) ? null : server(sc.name()).orElse(null);
                if (kept != null) {
                    kept.reconfigure(sc);
                    list.add(kept);
                } else {
                    Server s = new Server(sc, this, now());
                    list.add(s);
                    added.add(s);
                }
            }
            List<Server> removed = servers.stream().filter(s -> !list.contains(s)).toList();
            config = next;
            servers = List.copyOf(list);
            queue.reconfigure(next.timeouts().effectiveQueue(), queueLimit(next.servers()));
            primaryChanges.removed(removed, now());
            refresh();
            return new Reconfigured(List.copyOf(added), removed);
        });
    }

    /** Rebuilds the snapshot after a server's state changed, then drains the queue. Owner only. */
    void refresh() {
        snapshot = Snapshot.of(config.balance(), servers);
        availability.update(snapshot.activeUsable() + snapshot.backupUsable() > 0, now());
        primaryChanges.refreshed(now());
        queue.drain();
    }

    /**
     * Closes every session on {@code server} at once, logged with termination {@code code}
     * (D: server went down, U: backup cut because an active server came up, K: admin). Any thread:
     * each session is closed on its own loop.
     *
     * @return how many sessions were ordered cut (one that has left the server by the time its
     *         loop runs the order is spared, and not counted in the server's {@code killed})
     */
    public int shutdownSessions(Server server, char code) {
        int n = 0;
        for (Session s : server.liveSessions()) {
            s.kill(code, server);
            n++;
        }
        return n;
    }

    /**
     * Runs {@code task} on the owner: at once when called there, else in order after what is
     * pending. When the owner is gone (the proxy is stopping), {@code ifGone} (may be null) runs
     * here instead.
     */
    void onOwner(Runnable task, Runnable ifGone) {
        if (owner.inEventLoop()) {
            task.run();
            return;
        }
        try {
            owner.execute(task);
        } catch (RejectedExecutionException gone) {
            if (ifGone != null) {
                ifGone.run();
            }
        }
    }

    /** A routing change on the owner; a failure is logged, never lost in an unread future. */
    private <T> Future<T> onOwner(Callable<T> task) {
        Future<T> f;
        if (owner.inEventLoop()) {
            try {
                f = owner.newSucceededFuture(task.call());
            } catch (Exception e) {
                f = owner.newFailedFuture(e);
            }
        } else {
            try {
                f = owner.submit(task);
            } catch (RejectedExecutionException gone) {
                return owner.newFailedFuture(gone); // stopping: nothing to route any more
            }
        }
        return f.addListener(done -> {
            if (!done.isSuccess() && !(done.cause() instanceof RejectedExecutionException)) {
                LOG.warn("backend '{}': a routing change failed", name(), done.cause());
            }
        });
    }
}
