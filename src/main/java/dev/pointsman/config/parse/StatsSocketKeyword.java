package dev.pointsman.config.parse;

import dev.pointsman.config.StatsSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;

/**
 * {@code stats socket <path|ipv4@addr:port> [mode <octal>] [level user|operator|admin] [...]}: a
 * runtime API listener. As in HAProxy, a path (or {@code unix@path}) is a unix socket and an
 * address with a port a TCP one; the level defaults to operator. The other bind options HAProxy
 * takes on this line (owner, {@code expose-fd listeners}, {@code process}, ...) are accepted with
 * one notice naming them.
 */
final class StatsSocketKeyword {
    private StatsSocketKeyword() {}

    /** Linux's {@code sun_path} holds 108 bytes, the last one a NUL. */
    static final int MAX_PATH_BYTES = 107;

    /** Bind options HAProxy takes on a stats socket that Pointsman accepts without effect, with their argument count. */
    private static final Map<String, Integer> IGNORED = Map.ofEntries(
            Map.entry("user", 1), Map.entry("uid", 1), Map.entry("group", 1), Map.entry("gid", 1),
            Map.entry("expose-fd", 1), Map.entry("severity-output", 1), Map.entry("process", 1),
            Map.entry("thread", 1), Map.entry("name", 1), Map.entry("id", 1), Map.entry("backlog", 1),
            Map.entry("maxconn", 1), Map.entry("nice", 1), Map.entry("interface", 1), Map.entry("namespace", 1),
            Map.entry("accept-proxy", 0), Map.entry("defer-accept", 0), Map.entry("transparent", 0),
            Map.entry("v4v6", 0), Map.entry("v6only", 0), Map.entry("tfo", 0));

    static StatsSocket parse(Args a) {
        String where = a.next("an address or a path to a UNIX socket");
        StatsSocket.Address address = address(a, where);
        OptionalInt mode = OptionalInt.empty();
        StatsSocket.Level level = StatsSocket.Level.OPERATOR;
        List<String> ignored = new ArrayList<>();
        while (a.has()) {
            String option = a.next("");
            switch (option) {
                case "mode" -> mode = OptionalInt.of(mode(a));
                case "level" -> level = level(a);
                default -> {
                    StringBuilder words = new StringBuilder(option);
                    for (int i = IGNORED.getOrDefault(option, 0); i > 0 && a.has(); i--) {
                        words.append(' ').append(a.next(""));
                    }
                    ignored.add(words.toString());
                }
            }
        }
        if (!ignored.isEmpty()) {
            a.notice("'stats socket' options accepted without effect: " + String.join(", ", ignored)
                    + " (the socket is owned by the user Pointsman runs as; no file descriptors are passed on)");
        }
        if (mode.isPresent() && !(address instanceof StatsSocket.Unix)) {
            a.notice("'stats socket " + where + "': 'mode' applies to unix sockets only");
        }
        return new StatsSocket(address, mode, level, a.source());
    }

    private static StatsSocket.Address address(Args a, String where) {
        String family = Addresses.family(where);
        if (where.startsWith("/") || family.equals("unix")) {
            String path = family.isEmpty() ? where : where.substring(family.length() + 1);
            if (path.isEmpty()) {
                throw a.fail("'stats socket' expects a path after 'unix@'");
            }
            if (path.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_PATH_BYTES) {
                throw a.fail("'stats socket': socket path '" + path + "' too long (max " + MAX_PATH_BYTES + ")");
            }
            return new StatsSocket.Unix(path);
        }
        if (!family.isEmpty() && !family.equals("ipv4") && !family.equals("ipv6")) {
            throw a.fail("'stats socket " + where + "': '" + family
                    + "@' addresses are an HAProxy feature that Pointsman does not implement"
                    + " (expected: a path, unix@<path>, ipv4@<address>:<port> or ipv6@<address>:<port>)");
        }
        Addresses.HostPort hp = Addresses.split(family.isEmpty() ? where : where.substring(family.length() + 1));
        if (hp.port() == null || hp.port().isEmpty()) {
            throw a.fail("'stats socket': missing port in '" + where
                    + "' (expected: a path starting with '/', or <address>:<port>)");
        }
        int port = Values.port(a, hp.port());
        boolean v6 = family.equals("ipv6") || hp.host().contains(":");
        String host = hp.host().isEmpty() || hp.host().equals("*") ? (v6 ? "::" : "0.0.0.0") : hp.host();
        return new StatsSocket.Tcp(host, port, v6);
    }

    /** {@code mode 660}: octal permission bits, as HAProxy reads them. */
    private static int mode(Args a) {
        String text = a.next("mode <octal permissions>, e.g. 660");
        if (!text.matches("[0-7]{1,4}") || Integer.parseInt(text, 8) > 0777) {
            throw a.fail("'stats socket ... mode': " + text + " (expected: octal permissions, 0-777)");
        }
        return Integer.parseInt(text, 8);
    }

    private static StatsSocket.Level level(Args a) {
        if (!a.has()) {
            throw a.fail("'stats socket ... level' : missing level");
        }
        String text = a.next("");
        for (StatsSocket.Level l : StatsSocket.Level.values()) {
            if (l.word().equals(text)) {
                return l;
            }
        }
        throw a.fail("'level' only supports 'user', 'operator', and 'admin' (got '" + text + "')"
                + Suggest.didYouMean(text, List.of("user", "operator", "admin")));
    }
}
