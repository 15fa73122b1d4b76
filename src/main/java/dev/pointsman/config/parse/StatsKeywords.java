package dev.pointsman.config.parse;

import dev.pointsman.config.StatsConfig;

/**
 * The stats page of a {@code mode http} proxy. As in HAProxy, every keyword but
 * {@code stats admin} enables the page. {@code stats admin if TRUE} and {@code stats admin if
 * LOCALHOST} allow the page's one action, acknowledging split-brain alerts; any other condition is
 * accepted with a notice and allows nothing (server administration goes through the runtime API).
 */
final class StatsKeywords {
    private StatsKeywords() {}

    static final Table<ProxyBuilder> TABLE = new Table<ProxyBuilder>("stats keyword", "stats ")
            .row("enable", "DFLB", StatsKeywords::enable)
            .row("uri", "DFLB", StatsKeywords::uri)
            .row("refresh", "DFLB", StatsKeywords::refresh)
            .row("auth", "DFLB", StatsKeywords::auth)
            .row("realm", "DFLB", StatsKeywords::realm)
            .row("hide-version", "DFLB", StatsKeywords::hideVersion)
            .row("show-node", "DFLB", StatsKeywords::showNode)
            .row("admin", "-FLB", StatsKeywords::admin)
            .notImplemented("", NotImplemented.STATS)
            .foreign("the 'global' section", GlobalKeywords.STATS.names());

    static void enable(ProxyBuilder p, Args a) {
        a.end();
        p.stats.enable(a);
    }

    static void uri(ProxyBuilder p, Args a) {
        String uri = a.next("<prefix> as argument");
        if (!uri.startsWith("/")) {
            throw a.fail("'stats uri' expects a path starting with '/', got '" + uri + "'");
        }
        a.end();
        p.stats.uri = uri;
        p.stats.enable(a);
    }

    /** Seconds when no unit is given, as in HAProxy. */
    static void refresh(ProxyBuilder p, Args a) {
        p.stats.refresh = Values.time(a, Units.Default.SECONDS);
        a.end();
        p.stats.enable(a);
    }

    static void auth(ProxyBuilder p, Args a) {
        String account = a.next("<user>:<password> as argument");
        int colon = account.indexOf(':');
        if (colon <= 0) {
            throw a.fail("'stats auth' expects <user>:<password>, got '" + account + "'");
        }
        a.end();
        p.stats.auth.add(new StatsConfig.Account(account.substring(0, colon), account.substring(colon + 1)));
        p.stats.enable(a);
    }

    static void realm(ProxyBuilder p, Args a) {
        String realm = a.next("<realm> as argument (quote it or escape its spaces with '\\')");
        a.end();
        p.stats.realm = realm;
        p.stats.enable(a);
    }

    static void hideVersion(ProxyBuilder p, Args a) {
        a.end();
        p.stats.hideVersion = true;
        p.stats.enable(a);
    }

    /** {@code stats show-node [NAME]}: without a name, the host name is shown (recorded as ""). */
    static void showNode(ProxyBuilder p, Args a) {
        p.stats.showNode = a.has() ? a.next("") : "";
        a.end();
        p.stats.enable(a);
    }

    static void admin(ProxyBuilder p, Args a) {
        String cond = a.next("'if <condition>' or 'unless <condition>'");
        if (!cond.equals("if") && !cond.equals("unless")) {
            throw a.fail("'stats admin' expects 'if <condition>' or 'unless <condition>', got '" + cond + "'");
        }
        StringBuilder condition = new StringBuilder(a.next("a condition after '" + cond + "'"));
        while (a.has()) {
            condition.append(' ').append(a.next(""));
        }
        StatsConfig.Admin admin = !cond.equals("if") ? null : switch (condition.toString()) {
            case "TRUE" -> StatsConfig.Admin.ANYONE;
            case "LOCALHOST" -> StatsConfig.Admin.LOCALHOST;
            default -> null;
        };
        if (admin == null) {
            a.notice("'stats admin " + cond + " " + condition + "' accepted without effect: Pointsman evaluates only"
                    + " 'if TRUE' and 'if LOCALHOST'; the page's actions (server states, acknowledging alerts) stay refused");
            return;
        }
        p.stats.admin = admin;
    }
}
