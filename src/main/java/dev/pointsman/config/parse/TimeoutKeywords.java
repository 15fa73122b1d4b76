package dev.pointsman.config.parse;

/**
 * {@code timeout KIND TIME}, milliseconds when no unit is given. 0 means "no timeout", as in
 * HAProxy; it is recorded so that it overrides an inherited value.
 */
final class TimeoutKeywords {
    private TimeoutKeywords() {}

    static final Table<ProxyBuilder> TABLE = new Table<ProxyBuilder>("timeout", "timeout ")
            .row("client", "DFL-", TimeoutKeywords::set)
            .row("server", "D-LB", TimeoutKeywords::set)
            .row("connect", "D-LB", TimeoutKeywords::set)
            .row("queue", "D-LB", TimeoutKeywords::set)
            .row("check", "D-LB", TimeoutKeywords::set)
            .row("client-fin", "DFL-", TimeoutKeywords::set)
            .row("server-fin", "D-LB", TimeoutKeywords::set)
            .row("tunnel", "D-LB", TimeoutKeywords::set)
            .row("http-request", "DFLB", TimeoutKeywords::set)
            .notImplemented("", NotImplemented.TIMEOUTS);

    static void set(ProxyBuilder p, Args a) {
        String kind = a.keyword().substring("timeout ".length());
        p.timeouts.put(kind, Values.time(a, Units.Default.MILLIS));
        a.end();
    }
}
