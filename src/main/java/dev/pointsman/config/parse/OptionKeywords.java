package dev.pointsman.config.parse;

/**
 * {@code option NAME} and {@code no option NAME}. The health-check options live in
 * {@link CheckKeywords}; this table only routes to them.
 */
final class OptionKeywords {
    private OptionKeywords() {}

    static final Table<ProxyBuilder> TABLE = new Table<ProxyBuilder>("option", "option ")
            .negatable("redispatch", "D-LB", OptionKeywords::redispatch)
            .negatable("tcplog", "DFL-", OptionKeywords::tcplog)
            .negatable("dontlognull", "DFL-", OptionKeywords::dontlognull)
            .negatable("tcpka", "DFLB", OptionKeywords::tcpka)
            .negatable("clitcpka", "DFL-", OptionKeywords::clitcpka)
            .negatable("srvtcpka", "D-LB", OptionKeywords::srvtcpka)
            .row("httpchk", "D-LB", CheckKeywords::httpchk)
            .row("pgsql-check", "D-LB", CheckKeywords::pgsqlCheck)
            .row("tcp-check", "D-LB", CheckKeywords::tcpCheck)
            .row("pgsql-role-check", "D-LB", CheckKeywords::pgsqlRoleCheck)
            .negatable("patroni-fast-demote", "D-LB", CheckKeywords::patroniFastDemote)
            .negatable("patroni-verify-primary", "D-LB", CheckKeywords::patroniVerifyPrimary)
            .notImplemented("", NotImplemented.OPTIONS);

    /** {@code option redispatch [N]}: -1 (the last retry) when N is omitted; {@code no option redispatch}: 0. */
    static void redispatch(ProxyBuilder p, Args a) {
        if (a.negated()) {
            a.end();
            p.redispatch = 0;
            return;
        }
        if (!a.has()) {
            p.redispatch = -1;
            return;
        }
        String text = a.next("");
        Long n = Values.parse(text);
        if (n == null || Math.abs(n) > Integer.MAX_VALUE) {
            throw a.fail("'option redispatch' expects an optional integer (-1 = on the last retry, N = every Nth retry,"
                    + " 0 = never), got '" + text + "'");
        }
        a.end();
        p.redispatch = n.intValue();
    }

    static void tcplog(ProxyBuilder p, Args a) {
        a.end();
        p.tcplog = !a.negated();
    }

    static void dontlognull(ProxyBuilder p, Args a) {
        a.end();
        p.dontlognull = !a.negated();
    }

    /** {@code option tcpka}: keepalive on both sides. */
    static void tcpka(ProxyBuilder p, Args a) {
        a.end();
        p.clientKeepalive = !a.negated();
        p.serverKeepalive = !a.negated();
    }

    static void clitcpka(ProxyBuilder p, Args a) {
        a.end();
        p.clientKeepalive = !a.negated();
    }

    static void srvtcpka(ProxyBuilder p, Args a) {
        a.end();
        p.serverKeepalive = !a.negated();
    }
}
