package dev.pointsman.config.parse;

import java.util.List;
import java.util.Set;

/**
 * {@code server <name> <address>:<port> [options]} and {@code default-server [options]}. A server
 * starts as a copy of the section's {@code default-server} template (itself copied from the
 * defaults' one), then its own options apply left to right.
 */
final class ServerKeywords {
    private ServerKeywords() {}

    static final Table<ServerBuilder> OPTIONS = new Table<ServerBuilder>("server keyword", "")
            .row("maxconn", "DFLB", ServerKeywords::maxconn)
            .row("maxqueue", "DFLB", ServerKeywords::maxqueue)
            .row("weight", "DFLB", ServerKeywords::weight)
            .row("backup", "DFLB", (s, a) -> s.backup = true)
            .row("no-backup", "DFLB", (s, a) -> s.backup = false)
            .row("disabled", "DFLB", (s, a) -> s.disabled = true)
            .row("enabled", "DFLB", (s, a) -> s.disabled = false)
            .row("check", "DFLB", (s, a) -> s.check = true)
            .row("no-check", "DFLB", (s, a) -> s.check = false)
            .row("port", "DFLB", ServerKeywords::port)
            .row("addr", "DFLB", ServerKeywords::addr)
            .row("inter", "DFLB", (s, a) -> s.inter = Values.positiveTime(a))
            .row("fastinter", "DFLB", (s, a) -> s.fastinter = Values.positiveTime(a))
            .row("downinter", "DFLB", (s, a) -> s.downinter = Values.positiveTime(a))
            .row("rise", "DFLB", (s, a) -> s.rise = Values.positive(a))
            .row("fall", "DFLB", (s, a) -> s.fall = Values.positive(a))
            .row("on-marked-down", "DFLB", ServerKeywords::onMarkedDown)
            .row("on-marked-up", "DFLB", ServerKeywords::onMarkedUp)
            .row("slowstart", "DFLB", ServerKeywords::slowstart)
            .row("init-addr", "DFLB", ServerKeywords::initAddr)
            .notImplemented("", NotImplemented.SERVER);

    /** Options that do nothing unless the server has {@code check}. */
    private static final Set<String> CHECK_ONLY = Set.of("port", "addr", "inter", "fastinter", "downinter", "rise", "fall");

    static void server(ProxyBuilder p, Args a) {
        String usage = "<name> and <address>:<port> as arguments";
        String name = a.next(usage);
        if (!name.matches("[A-Za-z0-9_.:-]+")) {
            throw a.fail("'server': invalid name '" + name + "' (expected: letters, digits, '_', '.', ':' and '-')");
        }
        String address = a.next(usage);
        for (ServerBuilder other : p.servers) {
            if (other.name.equals(name)) {
                throw a.fail("server '" + name + "' is already declared in " + p.describe() + " at " + other.source
                        + " (server names must be unique within a proxy)");
            }
        }
        ServerBuilder s = p.defaultServer.copy();
        s.name = name;
        s.source = a.source();
        address(s, a, address);
        options(s, a, "server '" + name + "': ");
        if (!s.check && !s.checkOnly.isEmpty()) {
            a.notice("server '" + name + "': " + String.join(", ", s.checkOnly.stream().map(o -> "'" + o + "'").toList())
                    + (s.checkOnly.size() == 1 ? " has" : " have") + " no effect without 'check'");
        }
        p.servers.add(s);
    }

    static void defaultServer(ProxyBuilder p, Args a) {
        options(p.defaultServer, a, "default-server: ");
    }

    private static void options(ServerBuilder s, Args a, String context) {
        try {
            while (a.has()) {
                String option = a.peek();
                OPTIONS.dispatch(s, a);
                if (CHECK_ONLY.contains(option)) {
                    s.checkOnly.add(option);
                }
            }
        } catch (BadConfig e) {
            throw new BadConfig(e.keyword(), context + e.getMessage());
        }
    }

    private static void address(ServerBuilder s, Args a, String address) {
        String family = Addresses.family(address);
        if (address.startsWith("/") || (!family.isEmpty() && !family.equals("ipv4") && !family.equals("ipv6"))) {
            throw a.fail("server '" + s.name + "': address '" + address
                    + "' is not a TCP address; UNIX sockets and other families are not implemented (expected: <host>:<port>)");
        }
        Addresses.HostPort hp = Addresses.split(family.isEmpty() ? address : address.substring(family.length() + 1));
        if (hp.host().isEmpty()) {
            throw a.fail("server '" + s.name + "': missing host in '" + address + "' (expected: <host>:<port>)");
        }
        if (hp.port() == null || hp.port().isEmpty()) {
            throw a.fail("server '" + s.name + "': missing port in '" + address
                    + "' (expected: <host>:<port>; Pointsman does not reuse the client's destination port)");
        }
        if (hp.port().startsWith("+") || hp.port().startsWith("-")) {
            throw a.fail("server '" + s.name + "': port offsets like '" + hp.port()
                    + "' are an HAProxy feature that Pointsman does not implement (expected: <host>:<port>)");
        }
        s.host = hp.host();
        s.port = Values.range(a, hp.port(), "server '" + s.name + "': port", 1, 65535);
    }

    static void maxconn(ServerBuilder s, Args a) {
        s.maxconn = Values.nonNegative(a);
    }

    static void maxqueue(ServerBuilder s, Args a) {
        s.maxqueue = Values.nonNegative(a);
    }

    static void weight(ServerBuilder s, Args a) {
        s.weight = Values.range(a, 0, 256);
    }

    /** {@code port <n>}: where checks go. */
    static void port(ServerBuilder s, Args a) {
        s.checkPort = Values.port(a, a.next("<port> as argument"));
    }

    /** {@code addr <host>}: where checks go; resolved by the linker. */
    static void addr(ServerBuilder s, Args a) {
        s.checkAddr = a.next("<address> as argument");
    }

    static void onMarkedDown(ServerBuilder s, Args a) {
        String action = a.next("'shutdown-sessions' as argument");
        if (!action.equals("shutdown-sessions")) {
            throw a.fail("'on-marked-down': unknown action '" + action + "' (expected: shutdown-sessions)");
        }
        s.shutdownSessions = true;
    }

    static void onMarkedUp(ServerBuilder s, Args a) {
        String action = a.next("'shutdown-backup-sessions' as argument");
        if (!action.equals("shutdown-backup-sessions")) {
            throw a.fail("'on-marked-up': unknown action '" + action + "' (expected: shutdown-backup-sessions)");
        }
        s.shutdownBackupSessions = true;
    }

    static void slowstart(ServerBuilder s, Args a) {
        var d = Values.time(a, Units.Default.MILLIS);
        s.slowstart = d.isZero() ? null : d;
    }

    /** {@code init-addr last,libc,none,<ip>}: tried in order by the linker. */
    static void initAddr(ServerBuilder s, Args a) {
        String text = a.next("a comma list of last, libc, none or <ip> as argument");
        List<String> methods = List.of(text.split(",", -1));
        for (String m : methods) {
            if (!m.equals("last") && !m.equals("libc") && !m.equals("none") && Addresses.literal(m).isEmpty()) {
                throw a.fail("'init-addr': unknown method '" + m + "' (expected: a comma list of last, libc, none or an IP address)");
            }
        }
        if (methods.contains("last")) {
            a.notice("'init-addr last' has no effect: Pointsman keeps no server-state-file");
        }
        s.initAddr = methods;
    }
}
