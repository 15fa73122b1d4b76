package dev.pointsman.config.parse;

import dev.pointsman.config.Balance;
import dev.pointsman.config.Bind;
import dev.pointsman.config.Proxy;

import java.util.List;
import java.util.Optional;

/**
 * The keywords of {@code defaults}, {@code listen}, {@code frontend} and {@code backend}; the
 * letters say where each is allowed (HAProxy's keyword matrix, section 4.1). {@code option},
 * {@code timeout}, {@code stats}, {@code http-check} and {@code server} have tables of their own.
 */
final class ProxyKeywords {
    private ProxyKeywords() {}

    static final Table<ProxyBuilder> TABLE = new Table<ProxyBuilder>("keyword", "")
            .row("bind", "-FL-", ProxyKeywords::bind)
            .row("mode", "DFLB", ProxyKeywords::mode)
            .row("maxconn", "DFL-", ProxyKeywords::maxconn)
            .row("backlog", "DFL-", ProxyKeywords::backlog)
            .row("balance", "D-LB", ProxyKeywords::balance)
            .row("retries", "D-LB", ProxyKeywords::retries)
            .row("default_backend", "DFL-", ProxyKeywords::defaultBackend)
            .row("use_backend", "-FL-", ProxyKeywords::useBackend)
            .row("log", "DFLB", ProxyKeywords::log)
            .row("log-tag", "DFLB", ProxyKeywords::logTag)
            .row("no", "DFLB", ProxyKeywords::no)
            .row("option", "DFLB", OptionKeywords.TABLE::dispatch)
            .row("timeout", "DFLB", TimeoutKeywords.TABLE::dispatch)
            .row("server", "--LB", ServerKeywords::server)
            .row("default-server", "D-LB", ServerKeywords::defaultServer)
            .row("stats", "DFLB", StatsKeywords.TABLE::dispatch)
            .row("http-check", "D-LB", CheckKeywords.HTTP_CHECK::dispatch)
            .row("patroni-view", "D-LB", PatroniViewKeyword::patroniView)
            .row("patroni-dcs", "D-LB", DcsKeyword::patroniDcs)
            .notImplemented("use 'timeout connect'", "contimeout")
            .notImplemented("use 'timeout client'", "clitimeout")
            .notImplemented("use 'timeout server'", "srvtimeout")
            .notImplemented("", NotImplemented.PROXY)
            .foreign("the 'global' section", GlobalKeywords.TABLE.names())
            .foreign("the 'global' section", List.of(NotImplemented.GLOBAL));

    static void bind(ProxyBuilder p, Args a) {
        String list = a.next("<address>:<port>[,...] as argument");
        for (String item : list.split(",", -1)) {
            p.binds.add(bindAddress(a, item));
        }
        if (a.has()) {
            String option = a.peek();
            if (List.of(NotImplemented.BIND).contains(option)) {
                throw a.fail(NotImplemented.message("bind ... " + option, ""));
            }
            throw a.fail("'bind': unknown option '" + option + "' (Pointsman's bind takes addresses only)");
        }
    }

    private static Bind bindAddress(Args a, String item) {
        String family = Addresses.family(item);
        if (!family.isEmpty() && !family.equals("ipv4") && !family.equals("ipv6")) {
            throw a.fail("'bind' on '" + item + "': '" + family
                    + "@' addresses are an HAProxy feature that Pointsman does not implement"
                    + " (expected: [<address>]:<port>[-<port>])");
        }
        if (item.startsWith("/")) {
            throw a.fail("'bind' on a UNIX socket '" + item + "' is not implemented (expected: [<address>]:<port>)");
        }
        Addresses.HostPort hp = Addresses.split(family.isEmpty() ? item : item.substring(family.length() + 1));
        if (hp.port() == null || hp.port().isEmpty()) {
            throw a.fail("'bind': missing port in '" + item + "' (expected: [<address>]:<port>[-<port>])");
        }
        String[] range = hp.port().split("-", -1);
        if (range.length > 2) {
            throw a.fail("'bind': bad port range '" + hp.port() + "' (expected: <port> or <first>-<last>)");
        }
        int first = Values.port(a, range[0]);
        int last = range.length == 2 ? Values.port(a, range[1]) : first;
        if (last < first) {
            throw a.fail("'bind': port range " + hp.port() + " ends before it starts (expected: <first>-<last> with first <= last)");
        }
        String host = hp.host();
        Optional<String> h = host.isEmpty() || host.equals("*") ? Optional.empty() : Optional.of(host);
        return new Bind(h, first, last, a.source());
    }

    static void mode(ProxyBuilder p, Args a) {
        String mode = a.next("<tcp|http> as argument");
        switch (mode) {
            case "tcp" -> p.mode = Proxy.Mode.TCP;
            case "http" -> p.mode = Proxy.Mode.HTTP;
            default -> throw a.fail("'mode': unknown mode '" + mode + "' (expected: tcp, or http for a stats page)"
                    + Suggest.didYouMean(mode, List.of("tcp", "http")));
        }
        p.modeSource = a.source();
        a.end();
    }

    static void maxconn(ProxyBuilder p, Args a) {
        p.maxconn = Values.nonNegative(a);
        a.end();
    }

    static void backlog(ProxyBuilder p, Args a) {
        p.backlog = Values.nonNegative(a);
        a.end();
    }

    static void balance(ProxyBuilder p, Args a) {
        String text = a.next("<algorithm> as argument");
        String name = text.contains("(") ? text.substring(0, text.indexOf('(')) : text;
        int draws = Balance.DEFAULT.draws();
        if (text.contains("(")) {
            if (!name.equals("random") || !text.endsWith(")")) {
                throw a.fail("'balance': bad algorithm '" + text + "' (only random takes an argument: random(<draws>))");
            }
            String inner = text.substring(name.length() + 1, text.length() - 1);
            Long n = Values.parse(inner);
            if (n == null || n < 1 || n > 100) {
                throw a.fail("'balance random(N)': draws: " + inner + " (expected: 1-100)");
            }
            draws = n.intValue();
        }
        for (Balance.Algorithm algorithm : Balance.Algorithm.values()) {
            if (algorithm.keyword().equals(name)) {
                a.end();
                p.balance = new Balance(algorithm, draws);
                return;
            }
        }
        if (List.of("uri", "url_param", "hdr", "rdp-cookie", "hash").contains(name) || name.startsWith("hdr(")) {
            throw a.fail(NotImplemented.message("balance " + name, "use roundrobin, static-rr, leastconn, first, source or random"));
        }
        List<String> known = java.util.Arrays.stream(Balance.Algorithm.values()).map(Balance.Algorithm::keyword).toList();
        throw a.fail("'balance': unknown algorithm '" + text + "'" + Suggest.didYouMean(name, known)
                + " (expected: roundrobin, static-rr, leastconn, first, source or random[(<draws>)])");
    }

    static void retries(ProxyBuilder p, Args a) {
        p.retries = Values.nonNegative(a);
        a.end();
    }

    static void defaultBackend(ProxyBuilder p, Args a) {
        p.defaultBackend = a.next("<backend> as argument");
        p.defaultBackendSource = a.source();
        a.end();
    }

    static void useBackend(ProxyBuilder p, Args a) {
        String name = a.next("<backend> as argument");
        if (a.peek().equals("if") || a.peek().equals("unless")) {
            throw a.fail("'use_backend " + name + " " + a.peek() + " ...': conditions are not implemented"
                    + " (Pointsman supports only an unconditional 'use_backend <backend>')");
        }
        a.end();
        if (p.useBackend != null) {
            a.notice("'use_backend " + name + "' is never used: the unconditional 'use_backend " + p.useBackend
                    + "' at " + p.useBackendSource + " always matches first");
            return;
        }
        p.useBackend = name;
        p.useBackendSource = a.source();
    }

    static void log(ProxyBuilder p, Args a) {
        if (a.accept("global")) {
            a.end();
            p.logs.add(new ProxyBuilder.LogEntry(Optional.empty(), a.source()));
            return;
        }
        p.logs.add(new ProxyBuilder.LogEntry(Optional.of(LogKeywords.target(a)), a.source()));
    }

    static void logTag(ProxyBuilder p, Args a) {
        p.logTag = LogKeywords.tag(a);
    }

    /** {@code no option NAME}, {@code no log} and {@code no patroni-dcs}. */
    static void no(ProxyBuilder p, Args a) {
        a.negate();
        if (a.accept("log")) {
            a.keyword("no log");
            a.end();
            p.logs.clear();
            return;
        }
        if (a.accept("option")) {
            OptionKeywords.TABLE.dispatch(p, a);
            return;
        }
        if (a.accept("patroni-dcs")) {
            DcsKeyword.noPatroniDcs(p, a);
            return;
        }
        throw a.fail(a.has() ? "'no' applies only to 'option <name>', 'log' and 'patroni-dcs', got 'no " + a.peek() + "'"
                : "'no' expects 'option <name>', 'log' or 'patroni-dcs'");
    }
}
