package dev.pointsman.backend;

import dev.pointsman.balance.Candidate;
import dev.pointsman.check.CheckReport;
import dev.pointsman.config.ServerConfig;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * One server of a backend at run time: its states, its session slots and its counters. Slots are
 * taken with {@link #tryAcquire} (bounded by maxconn) and given back by the backend, which then
 * drains its queue.
 *
 * <p>Owner: the operational and administrative states and the vetoes are written only by the
 * backend's owner executor ({@link Backend#owner()}), which rebuilds the backend's snapshot after
 * each change; every other thread reads them (volatile) and sends changes to the owner. Session
 * slots and counters are atomics written by sessions on their event loops.
 */
public final class Server implements Candidate {

    /** Operational state, written by health checks. */
    public enum OpState { UP, DOWN }

    /** Administrative state: READY takes traffic, DRAIN keeps sessions but takes no new ones, MAINT neither. */
    public enum AdminState { READY, DRAIN, MAINT }

    /** Replaced in place by a reload that keeps the server's identity (owner only). */
    private volatile ServerConfig config;
    private final Backend backend;
    private volatile OpState opState;
    private volatile AdminState adminState;
    /** The weight in force: the configured one until the admin API sets another (owner only). */
    private volatile int weight;
    private volatile long lastChangeNanos;
    private volatile long upSinceNanos;
    private final AtomicInteger sessions = new AtomicInteger();
    private final AtomicInteger maxSessions = new AtomicInteger();
    private final Set<Session> live = ConcurrentHashMap.newKeySet();
    private volatile CheckReport lastCheck;
    /** Why the cluster view doubts this server is alive although it does not veto it; null when it does not (owner only). */
    private volatile String doubt;
    /** When the current doubt began, on the backend's clock (owner writes, any thread reads). */
    private volatile long doubtSinceNanos;
    /** A health check that began after the current doubt did has passed: alive, maybe slow (owner writes, any thread reads). */
    private volatile boolean aliveSinceDoubt;
    /** The vetoes in force (owner only), published as an immutable copy for readers. */
    private final EnumMap<Veto, Withdrawal> vetoes = new EnumMap<>(Veto.class);
    private volatile Map<Veto, Withdrawal> published = Map.of();
    /** When the server last went DOWN (while DOWN), and the DOWN time accumulated before: stats {@code downtime}. */
    private volatile long downSinceNanos;
    private volatile long downtimeNanos;
    final Counters counters = new Counters();

    /** Totals since start, read by stats: a backend's, and what only a server counts. */
    public static final class Counters extends TrafficCounters {
        public final LongAdder lbTotal = new LongAdder();
        public final LongAdder downTransitions = new LongAdder();
        public final LongAdder killed = new LongAdder();
        /** Failed health checks (stats {@code chkfail}). */
        public final LongAdder checkFailures = new LongAdder();
    }

    /**
     * One source's veto: why, since when it has been in force, and when the source last asserted
     * it (a check must have started after that to lift it). Times on the backend's clock.
     */
    /** @param cutsSessions the source asked for the server's sessions to be cut with it */
    public record Withdrawal(String reason, long sinceNanos, long assertedNanos, boolean cutsSessions) {}

    /**
     * The cluster view doubts this server (it is the Patroni leader and its {@code /patroni} went
     * unanswered), or no longer ({@code null}): a session that this server leaves silent after the
     * client's opening goes elsewhere (see {@link Session#GREETING_WAIT_MILLIS}). On the owner.
     */
    public void doubt(String reason) {
        boolean begins = reason != null && doubt == null;
        boolean ends = reason == null && doubt != null;
        if (begins) {
            doubtSinceNanos = backend.now(); // a new doubt episode
            aliveSinceDoubt = false;
        }
        doubt = reason;
        if (begins) {
            // sessions that sent their opening before the doubt watch for the answer from now (after the
            // write above: a session registered later reads the doubt itself when its opening goes out)
            for (Session s : live) {
                try {
                    if (s.executor().inEventLoop()) {
                        s.doubtBegan();
                    } else {
                        s.executor().execute(s::doubtBegan);
                    }
                } catch (RejectedExecutionException gone) {
                    // its loop is shutting down: the session ends with it
                }
            }
        }
        if (ends) {
            backend.queueMayMove(); // sessions that left it silent may come back
        }
    }

    /**
     * A health check of this server that began at {@code probeStartNanos} (the backend's clock)
     * passed: when it began after the current doubt did, the server is alive, maybe slow, and its
     * silence no longer moves sessions. On the owner.
     */
    public void checkPassed(long probeStartNanos) {
        if (doubt != null && !aliveSinceDoubt && probeStartNanos - doubtSinceNanos >= 0) {
            aliveSinceDoubt = true;
            backend.queueMayMove();
        }
    }

    /**
     * Doubted by the cluster view and not shown alive since by a check (or failing its checks now): a session that this server
     * left silent does not come back to it (it waits in the queue for another server, the doubt to
     * clear, a check to pass, or its time to run out). Any thread.
     */
    boolean shunned() {
        return doubt != null && (!aliveSinceDoubt || failingCheck());
    }

    /** Its latest completed health check failed (a frozen server fails it; a slow but healthy one passes). Any thread. */
    boolean failingCheck() {
        CheckReport r = lastCheck;
        return r != null && r.result().status().failed();
    }

    /** Why the cluster view doubts this server; null when it does not. Any thread. */
    public String doubt() {
        return doubt;
    }

    Server(ServerConfig config, Backend backend, long nowNanos) {
        this.config = config;
        this.backend = backend;
        // Pointsman starts a checked server DOWN until its first check passes (HAProxy starts it UP).
        this.opState = config.check() ? OpState.DOWN : OpState.UP;
        this.adminState = config.disabled() ? AdminState.MAINT : AdminState.READY;
        this.weight = config.weight();
        this.lastChangeNanos = nowNanos;
        this.upSinceNanos = Long.MIN_VALUE;
        this.downSinceNanos = nowNanos;
    }

    public ServerConfig config() {
        return config;
    }

    public String name() {
        return config.name();
    }

    public Backend backend() {
        return backend;
    }

    public OpState opState() {
        return opState;
    }

    public AdminState adminState() {
        return adminState;
    }

    public long lastChangeNanos() {
        return lastChangeNanos;
    }

    public Counters counters() {
        return counters;
    }

    /** The latest completed health check, for stats; empty before the first one. */
    public Optional<CheckReport> lastCheck() {
        return Optional.ofNullable(lastCheck);
    }

    /** On the backend's owner. */
    public void recordCheck(CheckReport report) {
        CheckReport before = lastCheck;
        lastCheck = report;
        if (report.result().status().failed()) {
            counters.checkFailures.increment();
        } else if (doubt != null && before != null && before.result().status().failed()) {
            backend.queueMayMove(); // no longer failing: sessions that left it may be shunning it no more
        }
    }

    /** Time spent DOWN (operationally) since start, up to {@code nowNanos}. */
    public long downtimeNanos(long nowNanos) {
        return downtimeNanos + (opState == OpState.DOWN ? Math.max(0, nowNanos - downSinceNanos) : 0);
    }

    /** Takes traffic: operationally UP, administratively READY, weight > 0 and not vetoed. */
    public boolean usable() {
        return opState == OpState.UP && adminState == AdminState.READY && weight > 0 && published.isEmpty();
    }

    /**
     * Why the cluster view or the DCS watch keeps this server out of its pool although its checks
     * pass (e.g. "not the Patroni leader"); empty when nothing vetoes it.
     */
    public Optional<String> veto() {
        return published.values().stream().map(Withdrawal::reason).findFirst();
    }

    /** The veto {@code source} holds on this server, if any. */
    public Optional<Withdrawal> vetoOf(Veto source) {
        return Optional.ofNullable(published.get(source));
    }

    /**
     * Sets (reason non-null) or lifts (null) the veto of one source; true when the server's vetoes
     * changed. Setting it again renews when it was last asserted (owner only).
     */
    boolean setVeto(Veto source, String reason, long nowNanos) {
        return setVeto(source, reason, false, nowNanos);
    }

    /** {@link #setVeto(Veto, String, long)}, remembering whether the source cut the server's sessions with it. */
    boolean setVeto(Veto source, String reason, boolean cutsSessions, long nowNanos) {
        Withdrawal before = vetoes.get(source);
        if (reason == null) {
            if (before == null) {
                return false;
            }
            vetoes.remove(source);
        } else {
            // a changed reason keeps the original time: the veto has been in force since then
            boolean cuts = cutsSessions || before != null && before.cutsSessions();
            vetoes.put(source, new Withdrawal(reason, before == null ? nowNanos : before.sinceNanos(), nowNanos, cuts));
        }
        published = Map.copyOf(vetoes);
        return before == null || reason == null || !before.reason().equals(reason)
                || before.cutsSessions() != vetoes.get(source).cutsSessions();
    }

    /** The weight in force (HAProxy's {@code uweight}): the configured one, or what the admin API set. */
    @Override
    public int weight() {
        return weight;
    }

    /** The configured weight (HAProxy's {@code iweight}). */
    public int initialWeight() {
        return config.weight();
    }

    /**
     * A reload kept this server (same name, address and checks) with other settings, which apply
     * from now on (owner only). A weight the admin API set stays; else the new configured one applies.
     */
    void reconfigure(ServerConfig next) {
        if (weight == config.weight()) {
            weight = next.weight();
        }
        config = next;
    }

    /** Records a weight set by the admin API (owner only); false when it was already so. */
    boolean setWeight(int w) {
        if (weight == w) {
            return false;
        }
        weight = w;
        return true;
    }

    /** What is known of the sessions relaying through this server now, oldest first (show sess). */
    public List<SessionInfo> sessionInfos() {
        return live.stream().map(s -> s.info(this)).sorted(Comparator.comparingLong(SessionInfo::id))
                .toList();
    }

    @Override
    public int load() {
        return sessions.get();
    }

    @Override
    public int id() {
        return config.id();
    }

    public int sessions() {
        return sessions.get();
    }

    public int maxSessions() {
        return maxSessions.get();
    }

    /** The maxconn in force now: ramps up during {@code slowstart} after the server came back. */
    int effectiveMaxconn(long nowNanos) {
        int max = config.maxconn();
        if (max == 0 || config.slowstart().isEmpty() || upSinceNanos == Long.MIN_VALUE) {
            return max;
        }
        long window = config.slowstart().get().toNanos();
        long elapsed = nowNanos - upSinceNanos;
        if (elapsed >= window || window <= 0) {
            return max;
        }
        return (int) Math.max(1, max * elapsed / window);
    }

    /** Whether {@code slowstart} is still ramping this server's maxconn at {@code nowNanos}. */
    boolean ramping(long nowNanos) {
        int max = config.maxconn();
        return max > 0 && effectiveMaxconn(nowNanos) < max;
    }

    /** Takes a session slot if maxconn allows. */
    boolean tryAcquire(long nowNanos) {
        int limit = effectiveMaxconn(nowNanos);
        while (true) {
            int cur = sessions.get();
            if (limit > 0 && cur >= limit) {
                return false;
            }
            if (sessions.compareAndSet(cur, cur + 1)) {
                maxSessions.accumulateAndGet(cur + 1, Math::max);
                counters.started(nowNanos);
                counters.lbTotal.increment();
                return true;
            }
        }
    }

    boolean hasRoom(long nowNanos) {
        int limit = effectiveMaxconn(nowNanos);
        return limit == 0 || sessions.get() < limit;
    }

    void releaseSlot() {
        sessions.decrementAndGet();
    }

    void register(Session session) {
        live.add(session);
    }

    void unregister(Session session) {
        live.remove(session);
    }

    /** Sessions currently relaying through this server (a copy, for shutdown-sessions). */
    Set<Session> liveSessions() {
        return Set.copyOf(live);
    }

    /**
     * Records a new operational state (owner only); returns false when it was already so.
     * {@code slowstart} starts counting when the server comes back after having been down.
     */
    boolean setOpState(OpState state, long nowNanos) {
        if (opState == state) {
            return false;
        }
        boolean wasChecked = lastChangeNanos != 0 && opState == OpState.DOWN && counters.downTransitions.sum() > 0;
        opState = state;
        lastChangeNanos = nowNanos;
        if (state == OpState.DOWN) {
            counters.downTransitions.increment();
            downSinceNanos = nowNanos;
        } else {
            downtimeNanos += Math.max(0, nowNanos - downSinceNanos);
            upSinceNanos = wasChecked ? nowNanos : Long.MIN_VALUE;
        }
        return true;
    }

    boolean setAdminState(AdminState state, long nowNanos) {
        if (adminState == state) {
            return false;
        }
        adminState = state;
        lastChangeNanos = nowNanos;
        return true;
    }

    @Override
    public String toString() {
        return backend.name() + "/" + config.name();
    }
}
