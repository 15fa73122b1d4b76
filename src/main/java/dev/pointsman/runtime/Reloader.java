package dev.pointsman.runtime;

import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigException;
import dev.pointsman.frontend.BindFailedException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
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
 * <p>Owner: {@code pending} is guarded by this object's lock; the reload thread alone reloads.
 */
public final class Reloader implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");

    /** Reads the configuration files again. */
    public interface Files {
        Config read() throws ConfigException;
    }

    private final Pointsman proxy;
    private final Files files;
    private final String names;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "pointsman-reload");
        t.setDaemon(true);
        return t;
    });
    private CompletableFuture<Boolean> pending;

    /** @param names the files, as the log line names them */
    public Reloader(Pointsman proxy, Files files, String names) {
        this.proxy = proxy;
        this.files = files;
        this.names = names;
    }

    /**
     * Asks for a reload; completes with true once a reload that started after this request has
     * applied a configuration, false when it was refused.
     */
    public synchronized CompletableFuture<Boolean> request() {
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
        }
        try {
            mine.complete(reload());
        } catch (RuntimeException e) {
            LOG.error("Reload failed: {}", e.toString(), e);
            mine.complete(false);
        }
    }

    private boolean reload() {
        if (proxy.stopping()) {
            return false;
        }
        long start = System.nanoTime();
        LOG.info("Reloading configuration from {}", names);
        SdNotify.system().reloading();
        boolean applied = apply();
        SdNotify.system().ready(applied ? "reloaded in " + (System.nanoTime() - start) / 1_000_000 + " ms"
                : "reload refused; the running configuration goes on");
        if (applied) {
            LOG.info("Configuration reloaded in {} ms", (System.nanoTime() - start) / 1_000_000);
        }
        return applied;
    }

    /** Reads and applies the files; false (logged) when they are refused and the running configuration goes on. */
    private boolean apply() {
        Config next;
        try {
            next = files.read();
        } catch (ConfigException e) {
            LOG.error("Reload refused: {}; the running configuration goes on",
                    e.getMessage().lines().collect(Collectors.joining(" | ")));
            return false;
        }
        try {
            proxy.reload(next);
        } catch (BindFailedException e) {
            LOG.error("Reload refused: {}; the running configuration goes on", e.getMessage());
            return false;
        }
        return true;
    }

    @Override
    public void close() {
        thread.shutdownNow();
    }
}
