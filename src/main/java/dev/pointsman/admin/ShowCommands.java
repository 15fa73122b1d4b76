package dev.pointsman.admin;

import static dev.pointsman.admin.ServerCommands.arg;
import static dev.pointsman.admin.ServerCommands.done;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.PrimaryChange;
import dev.pointsman.backend.SessionInfo;
import dev.pointsman.cluster.ClusterTable;
import dev.pointsman.cluster.ClusterView;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.StatsSocket.Level;
import java.net.Inet6Address;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * The commands that read: {@code show info}, {@code show stat}, {@code show servers state},
 * {@code show backend}, {@code show sess} and Pointsman's {@code show cluster} and
 * {@code show events} (the switchover report). Each renders from
 * volatile state and counters on the runtime API's own thread; none writes.
 */
final class ShowCommands {
    private final AdminContext context;

    ShowCommands(AdminContext context) {
        this.context = context;
    }

    List<Command> commands() {
        return List.of(
                new Command(List.of("show", "info"), "show info", "report information about the running process",
                        Level.USER, (s, a) -> done(Info.render(context.info().get()))),
                new Command(List.of("show", "stat"), "show stat [no-maint|up]*",
                        "report counters for each proxy and server", Level.USER, (s, a) -> stat(a)),
                new Command(List.of("show", "servers", "state"), "show servers state [<backend>]",
                        "dump volatile server information (all or for a single backend)", Level.USER,
                        (s, a) -> serversState(arg(a, 3))),
                new Command(List.of("show", "backend"), "show backend", "list backends in the current running config",
                        Level.USER, (s, a) -> done(backends())),
                new Command(List.of("show", "sess"), "show sess [id]",
                        "report the list of current sessions or dump this exact session", Level.OPERATOR,
                        (s, a) -> done(sessions(arg(a, 2)))),
                new Command(List.of("show", "cluster"), "show cluster [<backend>]",
                        "show the Patroni cluster as Pointsman sees it (like patronictl list)", Level.USER,
                        (s, a) -> done(cluster(arg(a, 2)))),
                new Command(List.of("show", "events"), "show events [<backend>]",
                        "show the changes of primary seen (the switchover report)", Level.USER,
                        (s, a) -> done(events(arg(a, 2)))));
    }

    private CompletionStage<String> serversState(String only) {
        List<Backend> backends = new ArrayList<>(context.backends().values());
        if (!only.isEmpty()) {
            Backend b = context.backends().get(only);
            if (b == null && context.config().proxies().stream().noneMatch(p -> p.isBackend() && p.name().equals(only))) {
                return done("Can't find backend.\n");
            }
            backends = b == null ? List.of() : List.of(b); // a backend without servers (a stats page): the header alone
        }
        return done(ServersState.render(backends, context));
    }

    /** {@code # name} then every section that can be a backend, as HAProxy lists them. */
    private String backends() {
        StringBuilder sb = new StringBuilder("# name\n");
        for (Proxy p : context.config().proxies()) {
            if (p.isBackend()) {
                sb.append(p.name()).append('\n');
            }
        }
        return sb.toString();
    }

    private CompletionStage<String> stat(List<String> a) {
        int i = 2;
        if (arg(a, i).equals("domain")) {
            i++;
            if (arg(a, i).equals("proxy")) {
                i++;
            } else {
                return done(arg(a, i).equals("resolvers") ? "Pointsman has no resolvers section: 'show stat domain"
                        + " resolvers' has nothing to show.\n" : "Invalid statistics domain.\n");
            }
        }
        StatFilter filter = StatFilter.ALL;
        if (!arg(a, i).isEmpty() && !arg(a, i + 1).isEmpty() && !arg(a, i + 2).isEmpty()) {
            int id = context.proxyId(arg(a, i));
            int iid = id != 0 ? id : atoi(arg(a, i));
            if (iid == 0) {
                return done("No such proxy.\n");
            }
            filter = new StatFilter(iid, atoi(arg(a, i + 1)), atoi(arg(a, i + 2)), false, false);
            i += 3;
        }
        for (; i < a.size(); i++) {
            switch (a.get(i)) {
                case "typed", "json" -> {
                    return done("'show stat " + a.get(i) + "' is not implemented by Pointsman: it prints HAProxy's CSV.\n");
                }
                case "up" -> filter = filter.withUp();
                case "no-maint" -> filter = filter.withNoMaint();
                default -> { } // HAProxy ignores other words
            }
        }
        return done(filter.apply(context.statCsv().get()));
    }

    /** C's {@code atoi}: the leading integer, 0 when there is none. */
    static int atoi(String s) {
        int i = 0;
        if (i < s.length() && (s.charAt(i) == '-' || s.charAt(i) == '+')) {
            i++;
        }
        int start = i;
        while (i < s.length() && Character.isDigit(s.charAt(i)) && i - start < 9) {
            i++;
        }
        return i == start ? 0 : Integer.parseInt(s.substring(0, i).replace("+", ""));
    }

    /**
     * One line per session relaying through a server, oldest first, HAProxy's start of line:
     * {@code 0x1f: proto=tcpv4 src=127.0.0.1:50512 fe=primary be=primary srv=pg-1 age=3m02s}.
     * HAProxy's internals after it (task state, buffers, file descriptors) have no counterpart.
     */
    private String sessions(String only) {
        long now = context.nanoClock().getAsLong();
        List<SessionInfo> all = new ArrayList<>();
        context.backends().values().forEach(b -> b.servers().forEach(s -> all.addAll(s.sessionInfos())));
        all.sort(Comparator.comparingLong(SessionInfo::id));
        StringBuilder sb = new StringBuilder();
        for (SessionInfo s : all) {
            String id = "0x" + Long.toHexString(s.id());
            if (!only.isEmpty() && !only.equals("all") && !only.equalsIgnoreCase(id)) {
                continue;
            }
            sb.append(id).append(": proto=")
                    .append(s.client() != null && s.client().getAddress() instanceof Inet6Address ? "tcpv6" : "tcpv4")
                    .append(" src=").append(s.client() == null ? "?" : s.client().getAddress().getHostAddress() + ":"
                            + s.client().getPort())
                    .append(" fe=").append(s.frontend()).append(" be=").append(s.backend()).append(" srv=")
                    .append(s.server()).append(" age=")
                    .append(humanTime(TimeUnit.NANOSECONDS.toSeconds(now - s.acceptNanos()))).append('\n');
        }
        return sb.toString();
    }

    /** HAProxy's {@code human_time}: the two largest non-zero units of d, h, m, s ({@code 0s} for none). */
    static String humanTime(long seconds) {
        if (seconds < 0) {
            return "?";
        }
        StringBuilder sb = new StringBuilder();
        int left = 2;
        long[] sizes = {86_400, 3_600, 60};
        String[] units = {"d", "h", "m"};
        for (int i = 0; i < sizes.length && left > 0; i++) {
            long n = i == 0 ? seconds / sizes[0] : seconds % sizes[i - 1] / sizes[i];
            if (n > 0) {
                sb.append(n).append(units[i]);
                left--;
            }
        }
        if ((left > 0 && seconds % 60 > 0) || seconds == 0) {
            sb.append(seconds % 60).append('s');
        }
        return sb.toString();
    }

    /** Each backend's Patroni cluster view as {@code patronictl list} prints it, under {@code backend NAME:}. */
    private String cluster(String only) {
        Map<String, ClusterView> views = context.clusters().get();
        if (!only.isEmpty()) {
            if (!context.backends().containsKey(only)) {
                return "No such backend.\n";
            }
            ClusterView v = views.get(only);
            return v == null ? "Backend '" + only + "' has no Patroni cluster view (its checks ask no Patroni REST API,"
                    + " or no answer came yet).\n" : "backend " + only + ":\n" + ClusterTable.format(v);
        }
        if (views.isEmpty()) {
            return "No Patroni cluster known to this Pointsman (no backend checks a Patroni REST API).\n";
        }
        StringBuilder sb = new StringBuilder();
        views.forEach((backend, view) -> sb.append("backend ").append(backend).append(":\n")
                .append(ClusterTable.format(view)));
        return sb.toString();
    }

    /** The header of {@code show events}: one line per change of primary, newest first per backend. */
    static final String EVENTS_HEADER = "# be_name at from to learnt gap_ms held longest_wait_ms cut failed retried state\n";

    /**
     * The switchover report: each change of primary a primary pool saw (the last
     * {@link dev.pointsman.backend.PrimaryChanges#LIMIT}), one line of space-separated words, as
     * {@code show servers state} prints its lines; {@code state} is {@code open} while the change's
     * window is, then {@code closed}.
     */
    private String events(String only) {
        if (!only.isEmpty() && !context.backends().containsKey(only)) {
            return "No such backend.\n";
        }
        StringBuilder sb = new StringBuilder(EVENTS_HEADER);
        for (Backend b : context.backends().values()) {
            if (!only.isEmpty() && !only.equals(b.name())) {
                continue;
            }
            for (PrimaryChange c : b.primaryChanges().events()) {
                sb.append(b.name()).append(' ').append(c.at().truncatedTo(ChronoUnit.MILLIS)).append(' ')
                        .append(c.from()).append(' ').append(c.to()).append(' ').append(c.learnt()).append(' ')
                        .append(c.gap().toMillis()).append(' ').append(c.held()).append(' ')
                        .append(c.longestWait().toMillis()).append(' ').append(c.cut()).append(' ')
                        .append(c.failed()).append(' ').append(c.retried()).append(' ')
                        .append(c.open() ? "open" : "closed").append('\n');
            }
        }
        return sb.toString();
    }
}
