package dev.pointsman.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code global} section.
 *
 * @param maxconn      process-wide limit of concurrent client connections (HAProxy: derived from
 *                     ulimit when unset; Pointsman uses {@link #DEFAULT_MAXCONN})
 * @param logs         {@code log} targets, referenced by {@code log global}
 * @param hardStopAfter how long sessions may drain after SIGTERM before they are closed
 * @param nbthread     event-loop threads; 0 = one per core
 * @param pidfile      where to write the process id
 * @param statsSockets {@code stats socket} addresses (runtime API)
 */
public record Global(
        int maxconn,
        List<LogTarget> logs,
        Optional<Duration> hardStopAfter,
        int nbthread,
        Optional<String> pidfile,
        List<String> statsSockets) {

    public static final int DEFAULT_MAXCONN = 4096;

    public Global {
        logs = List.copyOf(logs);
        statsSockets = List.copyOf(statsSockets);
    }

    public static Global defaults() {
        return new Global(DEFAULT_MAXCONN, List.of(), Optional.empty(), 0, Optional.empty(), List.of());
    }
}
