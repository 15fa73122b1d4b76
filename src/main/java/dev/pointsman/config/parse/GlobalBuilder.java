package dev.pointsman.config.parse;

import dev.pointsman.config.Global;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.Source;
import dev.pointsman.config.StatsSocket;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The {@code global} section being read; several global sections add up, as in HAProxy. */
final class GlobalBuilder {
    int maxconn = Global.DEFAULT_MAXCONN;
    boolean maxconnSet;
    boolean strictLimits = true;
    boolean reusePort = true;
    final List<LogTarget> logs = new ArrayList<>();
    Duration hardStopAfter;
    int nbthread;
    String pidfile;
    final List<StatsSocket> statsSockets = new ArrayList<>();
    Duration statsTimeout = Global.DEFAULT_STATS_TIMEOUT;
    int statsMaxconn = Global.DEFAULT_STATS_MAXCONN;
    String logTag;
    Optional<String> logSendHostname = Optional.empty();
    /** Where {@code log-send-hostname} was first given; null when it was not. */
    Source logSendHostnameSource;

    Global build() {
        return new Global(maxconn, logs, Optional.ofNullable(hardStopAfter), nbthread, Optional.ofNullable(pidfile),
                statsSockets, Optional.ofNullable(logTag), logSendHostname, maxconnSet, strictLimits, statsTimeout,
                statsMaxconn, reusePort);
    }
}
