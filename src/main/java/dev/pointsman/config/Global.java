package dev.pointsman.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code global} section.
 *
 * @param maxconn      process-wide limit of concurrent client connections; {@link #DEFAULT_MAXCONN}
 *                     when unset, which the start lowers to what the descriptor limit carries
 *                     (HAProxy derives it from ulimit-n)
 * @param logs         {@code log} targets, referenced by {@code log global}
 * @param hardStopAfter how long sessions may drain after SIGTERM before they are closed
 * @param nbthread     event-loop threads; 0 = one per core
 * @param pidfile      where to write the process id
 * @param statsSockets {@code stats socket} listeners of the runtime API, in file order
 * @param logTag       {@code log-tag}: the syslog tag of every proxy without a {@code log-tag} of
 *                     its own; empty = the program name, {@code pointsman}
 * @param logSendHostname {@code log-send-hostname NAME}: the host name of rfc3164 and rfc5424
 *                     headers; empty = the system's host name, which Pointsman sends anyway (also
 *                     when the keyword has no argument)
 * @param maxconnSet   true when {@code maxconn} was given; without it the start lowers the default to
 *                     what the process's descriptor limit carries, as HAProxy derives it from ulimit-n
 * @param strictLimits {@code strict-limits} (HAProxy's default since 2.3): a {@code maxconn} the
 *                     descriptor limit cannot carry refuses the start; {@code no strict-limits} only warns
 * @param statsTimeout {@code stats timeout}: how long a runtime API connection may stay idle
 *                     ({@link #DEFAULT_STATS_TIMEOUT} as in HAProxy)
 * @param statsMaxconn {@code stats maxconn}: runtime API connections at once, all sockets together
 *                     ({@link #DEFAULT_STATS_MAXCONN} as in HAProxy); more wait in the kernel's backlog
 * @param reusePort    false with {@code noreuseport}: one listening socket per address; else, as
 *                     HAProxy sets SO_REUSEPORT by default, one per event loop where the transport can
 */
public record Global(
        int maxconn,
        List<LogTarget> logs,
        Optional<Duration> hardStopAfter,
        int nbthread,
        Optional<String> pidfile,
        List<StatsSocket> statsSockets,
        Optional<String> logTag,
        Optional<String> logSendHostname,
        boolean maxconnSet,
        boolean strictLimits,
        Duration statsTimeout,
        int statsMaxconn,
        boolean reusePort) {

    public static final int DEFAULT_MAXCONN = 4096;
    public static final Duration DEFAULT_STATS_TIMEOUT = Duration.ofSeconds(10);
    public static final int DEFAULT_STATS_MAXCONN = 10;

    public Global {
        logs = List.copyOf(logs);
        statsSockets = List.copyOf(statsSockets);
    }

    public static Global defaults() {
        return new Global(DEFAULT_MAXCONN, List.of(), Optional.empty(), 0, Optional.empty(), List.of(), Optional.empty(),
                Optional.empty(), false, true, DEFAULT_STATS_TIMEOUT, DEFAULT_STATS_MAXCONN, true);
    }
}
