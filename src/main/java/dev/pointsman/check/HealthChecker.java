package dev.pointsman.check;

import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.net.Cancellable;
import dev.pointsman.net.Scheduler;
import io.netty.channel.EventLoop;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health checks of one server: its own probe loop on one event loop, at most one probe in
 * flight, the rise/fall counter and the report to a {@link HealthListener} after every probe.
 *
 * <p>Timing (HAProxy's): the first check runs at {@code inter * index / count} (staggered across
 * the servers of a backend); the next one {@code inter} after the previous completed when fully
 * UP, {@code downinter} when fully DOWN, {@code fastinter} when going up or down, never checked,
 * or {@link #hurry(Duration) hurried}.
 *
 * <p>Threading: every method may be called from any thread; the work is handed to the checker's
 * event loop, where all its state lives. The listener is called on that loop.
 */
public final class HealthChecker implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);

    private final String backend;
    private final String server;
    private final boolean backup;
    private final Probe probe;
    private final Scheduler scheduler;
    private final HealthListener listener;
    private final CheckIntervals intervals;
    private final Duration firstDelay;
    private final HealthCounter counter;

    private volatile HealthState snapshot;
    private volatile boolean closed;
    // confined to the scheduler's thread
    private boolean started;
    private boolean probing;
    private boolean again;
    private long generation;
    private long hurryUntil;
    private boolean hurrying;
    private Cancellable inFlight = Cancellable.NONE;
    private Cancellable timer = Cancellable.NONE;
    private volatile java.util.function.BooleanSupplier urgent = () -> false;

    HealthChecker(String backend, ServerConfig server, Probe probe, Scheduler scheduler, HealthListener listener,
                  Duration firstDelay) {
        this(backend, server, probe, scheduler, listener, firstDelay, new HealthState(0, server.rise(), server.fall(), false));
    }

    HealthChecker(String backend, ServerConfig server, Probe probe, Scheduler scheduler, HealthListener listener,
                  Duration firstDelay, HealthState initial) {
        this.backend = backend;
        this.server = server.name();
        this.backup = server.backup();
        this.probe = probe;
        this.scheduler = scheduler;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.intervals = CheckIntervals.of(server);
        this.firstDelay = firstDelay;
        this.counter = new HealthCounter(initial.rescaled(server.rise(), server.fall()));
        this.snapshot = counter.state();
    }

    /**
     * The checker of {@code server}, the {@code index}-th (0-based) of the {@code count} checked
     * servers of {@code backend}; empty when the server has no {@code check}. Call {@link #start()}
     * to begin (the runtime starts a {@code disabled} server's checker when the admin API first
     * takes it out of maintenance, as HAProxy starts its checks then).
     *
     * @throws IllegalArgumentException when the backend's check cannot be built (bad expect pattern,
     *                                  pgsql-check without user...)
     */
    public static Optional<HealthChecker> forServer(Proxy backend, ServerConfig server, int index, int count,
                                                    CheckEnvironment env, HealthListener listener) {
        return forServer(backend, server, index, count, env, listener,
                new HealthState(0, server.rise(), server.fall(), false));
    }

    /**
     * As {@link #forServer(Proxy, ServerConfig, int, int, CheckEnvironment, HealthListener)}, the
     * counter starting from {@code from} (the state of the checker it replaces, when a reload changed
     * the server's intervals, rise, fall or its backend's check timeouts), rescaled to the new rise
     * and fall: UP stays UP, and no state change is reported for the swap itself.
     */
    public static Optional<HealthChecker> forServer(Proxy backend, ServerConfig server, int index, int count,
                                                    CheckEnvironment env, HealthListener listener, HealthState from) {
        if (!server.check()) {
            return Optional.empty();
        }
        EventLoop loop = env.nextLoop();
        Probe probe = Probes.create(backend, server, loop, env.channelClass(), env.sqlExecutor());
        return Optional.of(new HealthChecker(backend.name(), server, probe, Scheduler.on(loop), listener,
                CheckIntervals.firstDelay(server.inter(), index, count), from));
    }

    public String backend() {
        return backend;
    }

    public String server() {
        return server;
    }

    /** The counter after the last completed check (DOWN, health 0, unchecked before the first). */
    public HealthState state() {
        return snapshot;
    }

    /** Schedules the first check after the staggered delay. Idempotent. */
    public void start() {
        onLoop(() -> {
            if (!started) {
                started = true;
                scheduleRound(firstDelay);
            }
        });
    }

    /**
     * Runs a check at once; if one is in flight, another follows as soon as it completes. Used by
     * the runtime's reaction rule and by the admin API.
     */
    public void checkNow() {
        onLoop(this::now);
    }

    /**
     * The reaction rule: check now, then keep checking at {@code fastinter} for {@code window}
     * (and as long after as the counter is going up or down), whatever the state. Called by the
     * runtime on the siblings of a server that just changed state, so that a new primary is
     * found at {@code fastinter} pace instead of {@code downinter}.
     */
    public void hurry(Duration window) {
        onLoop(() -> {
            hurryUntil = Math.max(hurryUntil, scheduler.nanoTime() + window.toNanos());
            hurrying = true;
            now();
        });
    }

    /**
     * Checks at the hurried pace whenever {@code condition} holds when the next check is scheduled
     * (read on the checker's loop; it must be cheap and thread-safe). The runtime passes "the
     * backend has no usable server": while a primary pool has no primary, the next one is found
     * within a hurried interval however long the outage lasted, not up to {@code rise} ×
     * {@code downinter} after it answers again. Set before {@link #start()}.
     */
    public void hurryWhile(java.util.function.BooleanSupplier condition) {
        urgent = Objects.requireNonNull(condition, "condition");
    }

    /** Stops the loop and cancels the probe in flight; no report follows. */
    @Override
    public void close() {
        closed = true;
        try {
            scheduler.execute(() -> {
                timer.cancel();
                inFlight.cancel();
                probing = false;
            });
        } catch (RejectedExecutionException e) {
            // the event loop is gone, and with it the timer and the probe's connection
        }
    }

    private void now() {
        started = true;
        if (probing) {
            again = true;
            return;
        }
        timer.cancel();
        round();
    }

    private void scheduleRound(Duration delay) {
        timer.cancel();
        timer = scheduler.schedule(this::round, delay);
    }

    private void round() {
        timer = Cancellable.NONE;
        if (closed || probing) {
            return;
        }
        probing = true;
        long gen = ++generation;
        Cancellable handle;
        try {
            handle = probe.start(outcome -> onLoop(() -> complete(gen, outcome)));
        } catch (RuntimeException e) {
            LOG.warn("health check of {}/{} could not start", backend, server, e);
            probing = false;
            scheduleRound(intervals.next(counter.state(), isHurried()));
            return;
        }
        if (probing && generation == gen) {
            inFlight = handle;
        }
    }

    private void complete(long gen, ProbeOutcome outcome) {
        if (closed || !probing || gen != generation) {
            return;
        }
        probing = false;
        inFlight = Cancellable.NONE;
        OperationalState before = counter.state().state();
        Transition transition = outcome.forceDown() ? counter.forceDown() : counter.apply(outcome.result().status());
        HealthState after = counter.state();
        snapshot = after;
        CheckReport report = new CheckReport(backend, server, backup, outcome.result(), after, transition, before,
                outcome.forceDown(), outcome.patroni());
        try {
            listener.onCheck(report);
        } catch (RuntimeException e) {
            LOG.warn("health listener failed on {}/{}", backend, server, e);
        }
        if (closed) {
            return;
        }
        if (again) {
            again = false;
            round();
        } else {
            scheduleRound(intervals.next(after, isHurried()));
        }
    }

    /** Hurry mode lasts for its window; then the usual intervals apply (fastinter while the counter moves). */
    private boolean isHurried() {
        if (hurrying && scheduler.nanoTime() - hurryUntil >= 0) {
            hurrying = false;
        }
        return hurrying || urgent();
    }

    private boolean urgent() {
        try {
            return urgent.getAsBoolean();
        } catch (RuntimeException e) {
            LOG.warn("health check of {}/{}: cannot tell whether its backend waits for a server", backend, server, e);
            return false;
        }
    }

    private void onLoop(Runnable task) {
        try {
            scheduler.execute(() -> {
                if (!closed) {
                    task.run();
                }
            });
        } catch (RejectedExecutionException e) {
            closed = true; // the event loop is shutting down: nothing more to check
        }
    }
}
