package dev.pointsman.backend;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * The switchover report of one backend: every change of primary it sees, the last {@link #LIMIT}
 * kept. Tracked only on a primary pool ({@link #track()}, told by the runtime), where one usable
 * server is the primary.
 *
 * <p>How a change is seen: after each rebuild of the backend's snapshot ({@link #refreshed}), the
 * primary that stopped being usable opens a gap (what took it out — its check, a veto's source, the
 * admin — is how Pointsman learnt it); the first other server usable after it closes the gap and
 * opens the change's window, which ends when the new primary has served for {@link #SETTLE} or the
 * next gap opens. The old primary usable again before any other is no change. The figures are
 * taken over gap and window: queue departures and connect-failure reports counted here as the
 * owner sees them, the backend's queue timeouts and connect errors and the old server's cut
 * sessions as deltas of their counters.
 *
 * <p>Owner: the backend's owner executor, which alone calls every method but {@link #events()};
 * readers on any thread get the immutable list published after each change.
 */
public final class PrimaryChanges {
    /** How long the new primary serves before its change's figures are final. */
    public static final Duration SETTLE = Duration.ofSeconds(5);
    /** Changes kept per backend. */
    public static final int LIMIT = 100;
    private static final long NONE = Long.MIN_VALUE;

    private final Backend backend;
    private final LongSupplier wallMillis;
    private volatile boolean tracked;
    private Server primary;
    /** The primary was removed by a reload and no same-named server took its place: it is not usable. */
    private boolean primaryGone;
    /** When the primary stopped taking sessions (backend clock), NONE while it takes them. */
    private long lostNanos = NONE;
    private String lostBy;
    private Window window;
    private final ArrayDeque<PrimaryChange> closed = new ArrayDeque<>();
    private volatile List<PrimaryChange> published = List.of();
    private volatile long total;
    private volatile PrimaryChange last;

    /** The figures of a gap and the window after it: baselines, and what the owner counts itself. */
    private static final class Window {
        final Server from;
        final long sinceNanos;
        final String learnt;
        final long queueTimeouts;
        final long connectErrors;
        final long killed;
        long held;
        long longestWaitNanos;
        long reports;
        Server to;
        long atMillis;
        long arrivedNanos = NONE;

        Window(Server from, long sinceNanos, String learnt, Backend backend) {
            this.from = from;
            this.sinceNanos = sinceNanos;
            this.learnt = learnt;
            this.queueTimeouts = backend.counters.queueTimeouts.sum();
            this.connectErrors = backend.counters.connectErrors.sum();
            this.killed = from.counters.killed.sum();
        }
    }

    PrimaryChanges(Backend backend, LongSupplier wallMillis) {
        this.backend = backend;
        this.wallMillis = wallMillis;
    }

    /** Starts following the primary of this backend (a primary pool); owner only. */
    public void track() {
        onOwner(() -> {
            tracked = true;
            refreshed(backend.now());
        });
    }

    /** Stops following the primary (a reload made this backend a replica pool): what was open is forgotten. */
    public void untrack() {
        onOwner(() -> {
            tracked = false;
            closeWindow();
            primary = null;
            primaryGone = false;
            lostNanos = NONE;
            window = null;
        });
    }

    private void onOwner(Runnable r) {
        backend.onOwner(r, null);
    }

    /** Whether this backend is followed (a primary pool). Any thread. */
    public boolean tracked() {
        return tracked;
    }

    /** Changes seen since start (the ones no longer kept included). Any thread. */
    public long total() {
        return total;
    }

    /** The latest change, open or closed; null before the first. Any thread. */
    public PrimaryChange last() {
        return last;
    }

    /** The kept changes, newest first, the open one included. Any thread. */
    public List<PrimaryChange> events() {
        return published;
    }

    /** The snapshot was rebuilt at {@code now}: sees a primary lost or a new one usable. Owner only. */
    void refreshed(long now) {
        if (!tracked) {
            return;
        }
        Server usable = primary != null && !primaryGone && primary.usable() ? primary : firstUsable();
        if (primary == null) {
            primary = usable; // the first primary since start is no change
            return;
        }
        if (lostNanos == NONE && !primary.usable()) {
            closeWindow();
            lostNanos = now;
            lostBy = why(primary);
            window = new Window(primary, now, lostBy, backend);
            // another server may be usable already: then the gap closes at once
        }
        if (lostNanos != NONE && usable != null) {
            lostNanos = NONE;
            if (usable == primary) {
                window = null; // it came back before any other: no change
                return;
            }
            window.to = usable;
            window.atMillis = wallMillis.getAsLong();
            window.arrivedNanos = now;
            primary = usable;
            primaryGone = false;
            total++;
            Window w = window;
            backend.owner().schedule(() -> settle(w), SETTLE.toNanos(), TimeUnit.NANOSECONDS);
            publish();
        }
    }

    /**
     * A reload took {@code gone} out of the backend (the servers are already the new ones): when the
     * primary is among them it left, as if it stopped taking sessions, and a gap opens, learnt by
     * "reload". A new server of the same name (its identity changed) stands for it: usable first, it
     * is no change. Without this, the old object would stay usable forever (its checker closed) and
     * no change would be seen again. Owner only.
     */
    void removed(List<Server> gone, long now) {
        if (!tracked || primary == null || !gone.contains(primary)) {
            return;
        }
        if (lostNanos == NONE) {
            closeWindow();
            lostNanos = now;
            lostBy = "reload";
            window = new Window(primary, now, lostBy, backend);
        }
        Server same = backend.server(primary.name()).orElse(null);
        primaryGone = same == null;
        if (same != null) {
            primary = same;
        }
    }

    private Server firstUsable() {
        for (Server s : backend.servers()) {
            if (!s.config().backup() && s.usable()) {
                return s;
            }
        }
        return null;
    }

    /** What took {@code s} out: its check, a veto (the oldest), or the admin; one word, for the runtime API's columns. */
    private static String why(Server s) {
        if (s.opState() == Server.OpState.DOWN) {
            return "check";
        }
        if (s.adminState() != Server.AdminState.READY) {
            return "admin";
        }
        Veto oldest = null;
        long since = Long.MAX_VALUE;
        for (Veto v : Veto.values()) {
            Server.Withdrawal w = s.vetoOf(v).orElse(null);
            if (w != null && w.sinceNanos() < since) {
                oldest = v;
                since = w.sinceNanos();
            }
        }
        if (oldest == null) {
            return "weight-0";
        }
        return switch (oldest) {
            case RECHECK -> "re-check";
            case CONNECT -> "connect";
            case DCS -> "etcd-key";
            case SWITCHOVER -> "switchover-key";
            case VIEW -> "cluster-view";
        };
    }

    /** A session left the queue after {@code waitedNanos}, with a server or not. Owner only. */
    void leftQueue(long waitedNanos, boolean granted) {
        if (window != null) {
            if (granted) {
                window.held++;
            }
            window.longestWaitNanos = Math.max(window.longestWaitNanos, waitedNanos);
            publish();
        }
    }

    /** A session's connection failed, or was refused at startup, and was reported to the owner. Owner only. */
    void connectFailed() {
        if (window != null) {
            window.reports++;
            publish();
        }
    }

    private void settle(Window w) {
        if (window == w) {
            closeWindow();
        }
    }

    /** Ends the open window, if a change opened one: its figures are final. */
    private void closeWindow() {
        if (window == null || window.to == null) {
            return;
        }
        closed.addFirst(change(window, false));
        while (closed.size() > LIMIT) {
            closed.removeLast();
        }
        window = null;
        publish();
    }

    private PrimaryChange change(Window w, boolean open) {
        long failed = backend.counters.queueTimeouts.sum() - w.queueTimeouts;
        long finalConnectErrors = backend.counters.connectErrors.sum() - w.connectErrors;
        failed += finalConnectErrors;
        return new PrimaryChange(Instant.ofEpochMilli(w.atMillis), w.from.name(), w.to.name(), w.learnt,
                Duration.ofNanos(w.arrivedNanos - w.sinceNanos), w.held, Duration.ofNanos(w.longestWaitNanos),
                w.from.counters.killed.sum() - w.killed, failed, Math.max(0, w.reports - finalConnectErrors), open);
    }

    private void publish() {
        List<PrimaryChange> out = new ArrayList<>(closed.size() + 1);
        if (window != null && window.to != null) {
            out.add(change(window, true));
        }
        out.addAll(closed);
        if (out.size() > LIMIT) {
            out.remove(LIMIT);
        }
        published = Collections.unmodifiableList(out);
        last = out.isEmpty() ? null : out.get(0);
    }
}
