package dev.pointsman.runtime;

import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigException;
import dev.pointsman.frontend.BindFailedException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reloads a running proxy when asked (SIGHUP, what {@code systemctl reload} sends): re-reads every
 * configuration file, refuses a broken one with its file:line and keeps the running configuration,
 * else applies the new one in place ({@link Pointsman#reload}). Reloads run one at a time on a
 * thread of their own; a request during a reload queues one more, and requests made while that one
 * waits share it.
 *
 * <p>Owner: {@code pending} and {@code closed} are guarded by this object's lock; the reload thread
 * alone reloads.
 */
public final class Reloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");

    /** Reads the configuration files again. */
    public interface Files {
        Config read() throws ConfigException;
    }

    /** What systemd is told around a reload: {@link SdNotify} outside tests. */
    interface Notifier {
        void reloading();

        void ready(String status);
    }

    private final Pointsman proxy;
    private final Files files;
    private final Notifier notifier;
    private final String names;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pointsman-reload");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Boolean> pending;
    private boolean closed;

    /** How long {@link #close} waits for a running reload. */
    static final Duration CLOSE_BOUND = Duration.ofSeconds(10);

    /** @param names the files, as the log line names them */
    public Reloader(Pointsman proxy, Files files, String names) {
        this(proxy, files, names, new Notifier() {
            @Override
            public void reloading() {
                SdNotify.system().reloading();
            }

            @Override
            public void ready(String status) {
                SdNotify.system().ready(status);
            }
        });
    }

    Reloader(Pointsman proxy, Files files, String names, Notifier notifier) {
        this.proxy = proxy;
        this.files = files;
        this.names = names;
        this.notifier = notifier;
    }

    /**
     * Asks for a reload; completes with true once a reload that started after this request has
     * applied a configuration, false when it was refused.
     */
    public synchronized CompletableFuture<Boolean> request() {
        if (closed) {
            return CompletableFuture.completedFuture(false); // stopping: no reload starts any more
        }
        if (pending == null) {
            pending = new CompletableFuture<>();
            thread.execute(this::run);
        }
        return pending;
    }

    private void run() {
        CompletableFuture<Boolean> mine;
        synchronized (this) {
            mine = pending;
            pending = null;
            if (closed) {
                mine.complete(false);
                return;
            }
        }
        try {
            mine.complete(reload());
        } catch (RuntimeException e) {
            LOG.error("Reload failed: {}", e.toString(), e);
            mine.complete(false);
        }
    }

    /** How one reload ended. */
    private enum Outcome { APPLIED, REFUSED, STOPPING }

    private boolean reload() {
        if (proxy.stopping()) {
            return false;
        }
        long start = System.nanoTime();
        LOG.info("Reloading configuration from {}", names);
        notifier.reloading();
        Outcome outcome = apply();
        long ms = (System.nanoTime() - start) / 1_000_000;
        if (outcome == Outcome.STOPPING) {
            // the stop tells systemd STOPPING=1 itself: no READY=1 after it
            LOG.info("Reload dropped: the proxy is stopping");
            return false;
        }
        // READY=1 only while no stop has begun: a stop's STOPPING=1 comes after it, never before
        proxy.unlessStopping(() -> notifier.ready(outcome == Outcome.APPLIED
                ? "reloaded in " + ms + " ms" : "reload refused; the running configuration goes on"));
        if (outcome == Outcome.APPLIED) {
            LOG.info("Configuration reloaded in {} ms", ms);
        }
        return outcome == Outcome.APPLIED;
    }

    /** Reads and applies the files; REFUSED (logged) when they are refused or fail and the running configuration goes on. */
    private Outcome apply() {
        Config next;
        try {
            next = files.read();
        } catch (ConfigException e) {
            LOG.error("Reload refused: {}; the running configuration goes on",
                    e.getMessage().lines().collect(Collectors.joining(" | ")));
            return Outcome.REFUSED;
        } catch (RuntimeException e) {
            LOG.error("Reload failed: {}; the running configuration goes on", e.toString(), e);
            return Outcome.REFUSED;
        }
        try {
            return proxy.reload(next) ? Outcome.APPLIED : Outcome.STOPPING;
        } catch (BindFailedException e) {
            LOG.error("Reload refused: {}; the running configuration goes on", e.getMessage());
            return Outcome.REFUSED;
        } catch (RuntimeException e) {
            LOG.error("Reload failed: {}; the running configuration goes on", e.toString(), e);
            return Outcome.REFUSED;
        }
    }

    /**
     * Starts no more reloads and waits (at most {@link #CLOSE_BOUND}) for a running one to finish: a
     * reload is never interrupted, which would leave some backends on the new configuration and the
     * rest, and the configuration itself, on the old one. Past the bound the reload goes on, logged.
     */
    @Override
    public void close() {
        CompletableFuture<Boolean> queued;
        synchronized (this) {
            closed = true;
            queued = pending;
            pending = null;
        }
        if (queued != null) {
            queued.complete(false);
        }
        thread.shutdown();
        boolean finished;
        try {
            finished = thread.awaitTermination(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            finished = false;
        }
        if (!finished) {
            LOG.warn("Stopping while a reload still runs after {} s; it is not interrupted", CLOSE_BOUND.toSeconds());
        }
    }
}
