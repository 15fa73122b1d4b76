package dev.pointsman.config.parse;

import java.util.Optional;

/**
 * The {@code global} section. Keywords Pointsman accepts without effect (daemon, chroot, user,
 * group, uid, gid) add a notice; {@code stats socket}, {@code stats timeout} and {@code stats maxconn}
 * set up the runtime API; nbthread sets the event-loop threads;
 * log-tag and log-send-hostname set the syslog header of every proxy's lines; [no] strict-limits
 * says whether a maxconn the descriptor limit cannot carry refuses the start; noreuseport binds
 * each address once rather than once per event loop.
 */
final class GlobalKeywords {
    private GlobalKeywords() {}

    static final Table<GlobalBuilder> STATS = new Table<GlobalBuilder>("stats keyword", "stats ")
            .row("socket", "G", GlobalKeywords::statsSocket)
            .row("timeout", "G", GlobalKeywords::statsTimeout)
            .row("maxconn", "G", GlobalKeywords::statsMaxconn)
            .notImplemented("", "bind-process");

    static final Table<GlobalBuilder> TABLE = new Table<GlobalBuilder>("keyword", "")
            .row("maxconn", "G", GlobalKeywords::maxconn)
            .row("log", "G", GlobalKeywords::log)
            .row("log-tag", "G", GlobalKeywords::logTag)
            .row("log-send-hostname", "G", GlobalKeywords::logSendHostname)
            .row("chroot", "G", GlobalKeywords::chroot)
            .row("user", "G", GlobalKeywords::user)
            .row("group", "G", GlobalKeywords::user)
            .row("uid", "G", GlobalKeywords::user)
            .row("gid", "G", GlobalKeywords::user)
            .row("daemon", "G", GlobalKeywords::daemon)
            .row("pidfile", "G", GlobalKeywords::pidfile)
            .row("nbthread", "G", GlobalKeywords::nbthread)
            .row("hard-stop-after", "G", GlobalKeywords::hardStopAfter)
            .negatable("strict-limits", "G", GlobalKeywords::strictLimits)
            .row("noreuseport", "G", GlobalKeywords::noreuseport)
            .row("no", "G", GlobalKeywords::no)
            .row("stats", "G", STATS::dispatch)
            .notImplemented("", NotImplemented.GLOBAL);

    static void maxconn(GlobalBuilder g, Args a) {
        g.maxconn = Values.positive(a);
        g.maxconnSet = true;
        a.end();
    }

    /** {@code no KEYWORD}: only the keywords that can be negated ({@code strict-limits}). */
    static void no(GlobalBuilder g, Args a) {
        a.negate();
        TABLE.dispatch(g, a);
    }

    /** {@code [no] strict-limits}: HAProxy's default since 2.3 is on. */
    static void strictLimits(GlobalBuilder g, Args a) {
        a.end();
        g.strictLimits = !a.negated();
    }

    /**
     * {@code noreuseport}: each address bound by one socket, accepting on one event loop for all
     * (HAProxy's keyword turns off SO_REUSEPORT on its listeners).
     */
    static void noreuseport(GlobalBuilder g, Args a) {
        a.end();
        g.reusePort = false;
    }

    static void log(GlobalBuilder g, Args a) {
        if (a.peek().equals("global")) {
            throw a.fail("'log global' is only meaningful in a proxy section (it copies the global log targets)");
        }
        g.logs.add(LogKeywords.target(a));
    }

    static void logTag(GlobalBuilder g, Args a) {
        g.logTag = LogKeywords.tag(a);
    }

    /**
     * {@code log-send-hostname [<name>]}: without a name (or with an empty one) the system's host
     * name, which Pointsman sends anyway. As in HAProxy, the first one counts and a repeated one
     * is reported and ignored.
     */
    static void logSendHostname(GlobalBuilder g, Args a) {
        String name = a.has() ? a.next("") : "";
        a.end();
        if (g.logSendHostnameSource != null) {
            a.notice("'log-send-hostname' is already set at " + g.logSendHostnameSource
                    + ": this one is ignored, as in HAProxy");
            return;
        }
        g.logSendHostname = Optional.of(name).filter(n -> !n.isEmpty());
        g.logSendHostnameSource = a.source();
    }

    static void chroot(GlobalBuilder g, Args a) {
        a.next("<directory> as argument");
        a.end();
        a.notice("'chroot' accepted without effect: Pointsman does not chroot (use systemd's RootDirectory= or a container)");
    }

    static void user(GlobalBuilder g, Args a) {
        a.next("<name> as argument");
        a.end();
        a.notice("'" + a.keyword() + "' accepted without effect: Pointsman does not switch user or group"
                + " (start it as the wanted user, e.g. systemd User=/Group=)");
    }

    static void daemon(GlobalBuilder g, Args a) {
        a.end();
        a.notice("'daemon' accepted without effect: Pointsman does not fork into the background"
                + " (run it under systemd or another supervisor)");
    }

    static void pidfile(GlobalBuilder g, Args a) {
        g.pidfile = a.next("<file> as argument");
        a.end();
    }

    static void nbthread(GlobalBuilder g, Args a) {
        g.nbthread = Values.range(a, 1, 4096);
        a.end();
    }

    static void hardStopAfter(GlobalBuilder g, Args a) {
        g.hardStopAfter = Values.time(a, Units.Default.MILLIS);
        a.end();
    }

    static void statsSocket(GlobalBuilder g, Args a) {
        g.statsSockets.add(StatsSocketKeyword.parse(a));
    }

    /** {@code stats timeout <time>}: how long a runtime API connection may stay idle (milliseconds when no unit). */
    static void statsTimeout(GlobalBuilder g, Args a) {
        g.statsTimeout = Values.positiveTime(a);
        a.end();
    }

    /** {@code stats maxconn <n>}: runtime API connections at once, all stats sockets together. */
    static void statsMaxconn(GlobalBuilder g, Args a) {
        g.statsMaxconn = Values.positive(a);
        a.end();
    }
}
