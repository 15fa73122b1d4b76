package dev.pointsman.admin;

/**
 * {@code show info}: {@code Name: value} lines under HAProxy 2.6's names and in its order
 * ({@code src/stats.c} {@code info_fields}), for the figures Pointsman has (see {@link ProcessInfo}).
 * Tools such as hatop read Name, Version, Release_date, Nbproc, Process_num, Pid, Uptime, Maxconn,
 * CurrConns, Maxpipes, PipesUsed, Tasks, Run_queue and node; all are here. Pure.
 */
final class Info {
    private Info() {}

    static String render(ProcessInfo i) {
        StringBuilder sb = new StringBuilder(1024);
        line(sb, "Name", i.name());
        line(sb, "Version", i.version());
        line(sb, "Release_date", i.releaseDate());
        line(sb, "Nbthread", i.nbthread());
        line(sb, "Nbproc", 1);
        line(sb, "Process_num", 1);
        line(sb, "Pid", i.pid());
        long up = i.uptimeSeconds();
        line(sb, "Uptime", String.format("%dd %dh%02dm%02ds", up / 86_400, up % 86_400 / 3_600, up % 3_600 / 60, up % 60));
        line(sb, "Uptime_sec", up);
        line(sb, "Ulimit-n", i.ulimitN());
        line(sb, "Maxconn", i.maxconn());
        line(sb, "Hard_maxconn", i.maxconn());
        line(sb, "CurrConns", i.currConns());
        line(sb, "CumConns", i.cumConns());
        line(sb, "MaxSslConns", 0);
        line(sb, "CurrSslConns", 0);
        line(sb, "CumSslConns", 0);
        line(sb, "Maxpipes", 0);
        line(sb, "PipesUsed", 0);
        line(sb, "PipesFree", 0);
        line(sb, "ConnRate", i.connRate());
        line(sb, "ConnRateLimit", 0);
        line(sb, "SessRate", i.connRate()); // every connection is one session
        line(sb, "SessRateLimit", 0);
        line(sb, "Tasks", i.tasks());
        line(sb, "Run_queue", i.runQueue());
        line(sb, "node", i.node());
        line(sb, "Stopping", i.stopping() ? 1 : 0);
        line(sb, "Jobs", i.jobs());
        line(sb, "Unstoppable Jobs", 0);
        line(sb, "Listeners", i.listeners());
        line(sb, "ActivePeers", 0);
        line(sb, "ConnectedPeers", 0);
        line(sb, "DroppedLogs", i.droppedLogs());
        line(sb, "BusyPolling", 0);
        line(sb, "FailedResolutions", 0);
        line(sb, "TotalBytesOut", i.bytesOut());
        line(sb, "TotalSplicdedBytesOut", 0); // sic: HAProxy's name
        line(sb, "Build info", i.version());
        line(sb, "Start_time_sec", i.startEpochSeconds());
        return sb.toString();
    }

    private static void line(StringBuilder sb, String name, Object value) {
        sb.append(name).append(": ").append(value).append('\n');
    }
}
