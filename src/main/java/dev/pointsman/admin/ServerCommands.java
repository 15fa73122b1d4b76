package dev.pointsman.admin;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.config.Balance;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.StatsSocket.Level;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The commands that write: {@code set server B/S state|weight}, {@code disable}/{@code enable
 * server}, {@code set weight}, {@code shutdown sessions server}, and {@code get weight} beside
 * them. Only administrative state and weight change, on the backend's owner; the answer is sent
 * once the change is in force there, so that the next command sees it. Errors are HAProxy's. States
 * and session cuts go through {@link ServerControl}, the path the stats page's actions take too.
 */
final class ServerCommands {
    /** {@code set server} words HAProxy has that Pointsman does not: they change more than admin state and weight. */
    private static final Set<String> NOT_IMPLEMENTED = Set.of("addr", "agent", "agent-addr", "agent-port",
            "agent-send", "check-addr", "check-port", "fqdn", "health", "ssl");

    private final ServerControl control;

    ServerCommands(AdminContext context) {
        this.control = new ServerControl(context);
    }

    List<Command> commands() {
        return List.of(
                new Command(List.of("set", "server"), "set server <bk>/<srv> [opts]",
                        "change a server's state or weight", Level.ADMIN, (s, a) -> setServer(a)),
                new Command(List.of("disable", "server"), "disable server (DEPRECATED)",
                        "disable a server for maintenance (use 'set server' instead)", Level.ADMIN,
                        (s, a) -> withServer(arg(a, 2), (b, sv) -> state(b, sv, Server.AdminState.MAINT))),
                new Command(List.of("enable", "server"), "enable server  (DEPRECATED)",
                        "enable a disabled server (use 'set server' instead)", Level.ADMIN,
                        (s, a) -> withServer(arg(a, 2), (b, sv) -> state(b, sv, Server.AdminState.READY))),
                new Command(List.of("set", "weight"), "set weight <bk>/<srv>  (DEPRECATED)",
                        "change a server's weight (use 'set server' instead)", Level.ADMIN,
                        (s, a) -> withServer(arg(a, 2), (b, sv) -> weight(b, sv, arg(a, 3)))),
                new Command(List.of("get", "weight"), "get weight <bk>/<srv>", "report a server's current weight",
                        Level.USER, (s, a) -> withServer(arg(a, 2), (b, sv) -> done(sv.weight() + " (initial "
                                + sv.initialWeight() + ")\n"))),
                new Command(List.of("shutdown", "sessions", "server"), "shutdown sessions server <bk>/<srv>",
                        "kill sessions on a server", Level.ADMIN, (s, a) -> withServer(arg(a, 3), (b, sv) -> {
                            control.shutdownSessions(b, sv);
                            return done("");
                        })));
    }

    private CompletionStage<String> setServer(List<String> a) {
        return withServer(arg(a, 2), (b, sv) -> {
            String what = arg(a, 3);
            if (what.equals("weight")) {
                return weight(b, sv, arg(a, 4));
            }
            if (what.equals("state")) {
                return switch (arg(a, 4)) {
                    case "ready" -> state(b, sv, Server.AdminState.READY);
                    case "drain" -> state(b, sv, Server.AdminState.DRAIN);
                    case "maint" -> state(b, sv, Server.AdminState.MAINT);
                    default -> done("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n");
                };
            }
            if (NOT_IMPLEMENTED.contains(what)) {
                return done("'set server <srv> " + what + "' is not implemented by Pointsman:"
                        + " the runtime API changes a server's state and weight only.\n");
            }
            return done("usage: set server <backend>/<server> state | weight\n");
        });
    }

    private interface OnServer {
        CompletionStage<String> run(Backend backend, Server server);
    }

    /**
     * Finds {@code backend/server} as HAProxy's CLI does ({@code #<id>} for either is a number) and
     * runs {@code action} on it, or answers HAProxy's error.
     */
    private CompletionStage<String> withServer(String arg, OnServer action) {
        int slash = arg.indexOf('/');
        if (slash < 0 || slash == arg.length() - 1) {
            return done("Require 'backend/server'.\n");
        }
        String bname = arg.substring(0, slash);
        String sname = arg.substring(slash + 1);
        Backend backend = control.backend(bname).orElse(null);
        if (backend == null) {
            return done(control.isBackend(bname) ? "No such server.\n" : "No such backend.\n");
        }
        return ServerControl.server(backend, sname).map(s -> action.run(backend, s))
                .orElseGet(() -> done("No such server.\n"));
    }

    private CompletionStage<String> state(Backend backend, Server server, Server.AdminState state) {
        return control.setState(backend, server, state).thenApply(change -> "");
    }

    /** {@code N} or {@code N%} of the configured weight, with HAProxy's checks and messages. */
    private CompletionStage<String> weight(Backend backend, Server server, String text) {
        if (text.isEmpty()) {
            return done("Require <weight> or <weight%>.\n");
        }
        int digits = leadingInteger(text);
        if (digits == 0) {
            return done("Empty weight string empty or preceded by garbage\n");
        }
        long w;
        try {
            w = Long.parseLong(text.substring(0, digits).trim());
        } catch (NumberFormatException tooLong) {
            w = text.trim().startsWith("-") ? Long.MIN_VALUE : Long.MAX_VALUE;
        }
        String rest = text.substring(digits);
        if (rest.equals("%")) {
            if (w < 0) {
                return done("Relative weight must be positive.\n");
            }
            w = Math.min(256, server.initialWeight() * Math.min(w, 25_600) / 100);
        } else if (w < 0 || w > 256) {
            return done("Absolute weight can only be between 0 and 256 inclusive.\n");
        } else if (!rest.isEmpty()) {
            return done("Trailing garbage in weight string\n");
        }
        if (w != 0 && w != server.initialWeight() && staticAlgorithm(backend.config())) {
            return done("Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n");
        }
        return ServerControl.onOwner(backend.setWeight(server, (int) w), changed -> "");
    }

    /** The length of an optionally signed integer at the start of {@code text} (blanks before it allowed); 0 when none. */
    private static int leadingInteger(String text) {
        int i = 0;
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        if (i < text.length() && (text.charAt(i) == '-' || text.charAt(i) == '+')) {
            i++;
        }
        int start = i;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        return i > start ? i : 0;
    }

    /** HAProxy's static algorithms take no weight but 0% and 100%: static-rr, and source with its default map-based hash. */
    private static boolean staticAlgorithm(Proxy p) {
        Balance.Algorithm a = p.balance().algorithm();
        return a == Balance.Algorithm.STATIC_RR || a == Balance.Algorithm.SOURCE;
    }

    /** The {@code n}-th word, or "" (HAProxy's unused arguments are empty strings). */
    static String arg(List<String> args, int n) {
        return n < args.size() ? args.get(n) : "";
    }

    static CompletionStage<String> done(String text) {
        return CompletableFuture.completedFuture(text);
    }
}
