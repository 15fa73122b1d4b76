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
 * @param logTag       {@code log-tag}: the syslog tag of every proxy without a {@code log-tag} of
 *                     its own; empty = the program name, {@code pointsman}
 * @param logSendHostname {@code log-send-hostname NAME}: the host name of rfc3164 and rfc5424
 *                     headers; empty = the system's host name, which Pointsman sends anyway (also
 *                     when the keyword has no argument)
 */
public record Global(
        int maxconn,
        List<LogTarget> logs,
        Optional<Duration> hardStopAfter,
        int nbthread,
        Optional<String> pidfile,
        List<String> statsSockets,
        Optional<String> logTag,
        Optional<String> logSendHostname) {

    public static final int DEFAULT_MAXCONN = 4096;

    public Global {
        logs = List.copyOf(logs);
        statsSockets = List.copyOf(statsSockets);
    }

    public static Global defaults() {
        return new Global(DEFAULT_MAXCONN, List.of(), Optional.empty(), 0, Optional.empty(), List.of(), Optional.empty(),
                Optional.empty());
    }
}
