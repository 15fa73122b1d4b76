package dev.pointsman.runtime;

import dev.pointsman.backend.Backend;
import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.config.Proxy;
import dev.pointsman.frontend.Frontend;
import dev.pointsman.log.BackendLines;
import dev.pointsman.log.LogService;
import dev.pointsman.log.ProxyLog;
import java.util.Map;
import java.util.Optional;

/**
 * A proxy's start and stop lines to its {@code log} targets, in HAProxy's words
 * ({@code src/proxy.c}): {@code Proxy primary started.} (notice), {@code Stopping proxy primary in
 * 0 ms.} (warning; "frontend"/"backend"/"proxy" after the section kind) and {@code Proxy primary
 * stopped (cumul. conns: FE: 12, BE: 12).} (warning).
 */
final class ProxyLines {
    private ProxyLines() {}

    /** HAProxy's {@code proxy_cap_str}: "proxy" for a section that is both, else "frontend" or "backend". */
    static String kind(Proxy p) {
        return BackendLines.kind(p);
    }

    static void started(Proxy p, LogService logs) {
        logs.of(p).log(Level.NOTICE, "Proxy " + p.name() + " started.");
    }

    static void stopping(Proxy p, LogService logs) {
        logs.of(p).log(Level.WARNING, "Stopping " + kind(p) + " " + p.name() + " in 0 ms.");
    }

    static void stopped(Proxy p, LogService logs, Optional<Frontend> fe, Map<String, Backend> backends, long statsConns) {
        long feConns = fe.map(f -> f.total.sum()).orElse(statsConns);
        long beConns = Optional.ofNullable(backends.get(p.name())).map(b -> b.counters().total.sum()).orElse(0L);
        ProxyLog log = logs.of(p);
        log.log(Level.WARNING, "Proxy " + p.name() + " stopped (cumul. conns: FE: " + feConns + ", BE: " + beConns + ").");
    }
}
