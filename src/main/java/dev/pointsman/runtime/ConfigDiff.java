package dev.pointsman.runtime;

import dev.pointsman.config.Bind;
import dev.pointsman.config.Config;
import dev.pointsman.config.Global;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What a reload changes: the running configuration compared with the new one, section by section.
 * Pure: no I/O, no running state. Only {@code mode tcp} sections run as frontends and backends.
 * A stats listener ({@code mode http} with {@code stats enable}) keeps its sockets: its other
 * settings change in place ({@code statsReconfigured}), but one added, removed, bound elsewhere or
 * given another {@code maxconn}, and a {@code stats socket} added, removed or changed, cannot: the
 * whole reload is {@code refused}. Other global settings that differ apply at the next start and
 * are named in {@link #restartNeeded()}.
 *
 * <p>A server keeps its identity, and so its health state, counters, sessions, administrative
 * state and a weight set by the runtime API, when its name, address and check target are the same
 * (its own {@code check}, {@code port} and {@code addr}; its backend's check: type, request,
 * expectation); every other setting of it changes in place. When how often or how long it is
 * checked changes ({@code inter}, {@code fastinter}, {@code downinter}, {@code rise}, {@code fall},
 * {@code backup}, the backend's {@code timeout check} or {@code connect}), it is kept and its
 * checker is rebuilt from the old one's state ({@code rechecked}). A server whose identity changed
 * is replaced: removed, then added as new. A listener keeps its bound socket when the new
 * configuration has the same address in the same section.
 *
 * @param refused       why the reload cannot be applied, each with file:line (empty when it can)
 * @param restartNeeded what differs but applies only at the next start, worded for a warning
 * @param statsReconfigured stats listeners in both whose settings (uri, auth, admin, refresh,
 *                      realm, timeouts...) change in place
 * @param addedBackends TCP backends only in the new configuration, in its order
 * @param removedBackends TCP backends only in the running one
 * @param backends      the TCP backends in both, by name, in the new order
 * @param addedFrontends TCP frontends only in the new configuration
 * @param removedFrontends TCP frontends only in the running one
 * @param frontends     the TCP frontends in both, by name, with the fate of each listening address
 */
record ConfigDiff(List<String> refused, List<String> restartNeeded, List<String> statsReconfigured, List<String> addedBackends, List<String> removedBackends,
                  Map<String, Servers> backends, List<String> addedFrontends, List<String> removedFrontends,
                  Map<String, Listeners> frontends) {

    /**
     * The servers of a backend in both configurations.
     *
     * @param added    new names, or a name whose identity changed (see {@code replaced})
     * @param removed  names gone, or whose identity changed
     * @param kept     same identity: state carries over, other settings change in place
     * @param replaced names in both whose identity changed (also in added and removed)
     * @param rechecked kept names whose checker takes new intervals, rise/fall or timeouts
     * @param followersRestart the backend's Patroni view or etcd watch must start again: its
     *                 {@code patroni-view} or {@code patroni-dcs} changed, or its set of servers did
     */
    record Servers(List<String> added, List<String> removed, List<String> kept, List<String> replaced,
                   List<String> rechecked, boolean followersRestart) {
        boolean unchanged() {
            return added.isEmpty() && removed.isEmpty() && rechecked.isEmpty() && !followersRestart;
        }
    }

    /** The listening addresses of a frontend in both configurations. */
    record Listeners(List<Bind.Address> kept, List<Bind.Address> added, List<Bind.Address> removed) {}

    /** Global settings that a running process applies (or, {@code stats socket}, refuses to change): the rest needs a restart. */
    private static final List<String> GLOBAL_AT_RUN_TIME = List.of("hardStopAfter", "logs", "statsSockets");

    /** HAProxy's keyword for each component of {@link Global}. */
    private static final Map<String, String> GLOBAL_KEYWORDS = Map.ofEntries(
            Map.entry("maxconn", "maxconn"), Map.entry("maxconnSet", "maxconn"), Map.entry("nbthread", "nbthread"),
            Map.entry("pidfile", "pidfile"), Map.entry("statsSockets", "stats socket"),
            Map.entry("logTag", "log-tag"), Map.entry("logSendHostname", "log-send-hostname"),
            Map.entry("strictLimits", "strict-limits"), Map.entry("statsTimeout", "stats timeout"),
            Map.entry("statsMaxconn", "stats maxconn"), Map.entry("reusePort", "noreuseport"));

    static ConfigDiff of(Config running, Config next) {
        List<String> restart = new ArrayList<>(global(running.global(), next.global()));
        Map<String, Proxy> oldTcp = tcp(running);
        Map<String, Proxy> newTcp = tcp(next);
        List<String> refused = new ArrayList<>();
        List<String> statsReconfigured = new ArrayList<>();
        stats(running, next, refused, statsReconfigured);
        sockets(running.global(), next.global(), refused);

        List<String> addedBackends = new ArrayList<>();
        Map<String, Servers> backends = new LinkedHashMap<>();
        for (Proxy p : newTcp.values()) {
            if (!p.isBackend()) {
                continue;
            }
            Proxy before = oldTcp.get(p.name());
            if (before == null || !before.isBackend()) {
                addedBackends.add(p.name());
            } else {
                backends.put(p.name(), servers(before, p));
            }
        }
        List<String> removedBackends = oldTcp.values().stream().filter(Proxy::isBackend)
                .filter(p -> !newTcp.containsKey(p.name()) || !newTcp.get(p.name()).isBackend())
                .map(Proxy::name).toList();

        List<String> addedFrontends = new ArrayList<>();
        Map<String, Listeners> frontends = new LinkedHashMap<>();
        for (Proxy p : newTcp.values()) {
            if (!p.isFrontend()) {
                continue;
            }
            Proxy before = oldTcp.get(p.name());
            if (before == null || !before.isFrontend()) {
                addedFrontends.add(p.name());
            } else {
                frontends.put(p.name(), listeners(before, p));
                int was = before.listenBacklog(running.global().maxconn());
                int now = p.listenBacklog(next.global().maxconn());
                boolean global = before.backlog() + before.maxconn() + p.backlog() + p.maxconn() == 0; // named as global 'maxconn'
                if (was != now && !global) {
                    restart.add("'" + p.name() + "': 'backlog' " + was + " to " + now + " on the listening sockets kept");
                }
            }
        }
        List<String> removedFrontends = oldTcp.values().stream().filter(Proxy::isFrontend)
                .filter(p -> !newTcp.containsKey(p.name()) || !newTcp.get(p.name()).isFrontend())
                .map(Proxy::name).toList();
        return new ConfigDiff(List.copyOf(refused), List.copyOf(restart), List.copyOf(statsReconfigured),
                List.copyOf(addedBackends), removedBackends, backends,
                List.copyOf(addedFrontends), removedFrontends, frontends);
    }

    private static Map<String, Proxy> tcp(Config c) {
        Map<String, Proxy> out = new LinkedHashMap<>();
        c.proxies().stream().filter(p -> p.mode() == Proxy.Mode.TCP).forEach(p -> out.put(p.name(), p));
        return out;
    }

    /** Every global setting that differs and applies only at start, once per keyword. */
    static List<String> global(Global running, Global next) {
        List<String> out = new ArrayList<>();
        for (RecordComponent c : Global.class.getRecordComponents()) {
            if (GLOBAL_AT_RUN_TIME.contains(c.getName())) {
                continue;
            }
            try {
                if (!Objects.equals(c.getAccessor().invoke(running), c.getAccessor().invoke(next))) {
                    String line = "global '" + GLOBAL_KEYWORDS.getOrDefault(c.getName(), c.getName()) + "'";
                    if (!out.contains(line)) {
                        out.add(line);
                    }
                }
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    /**
     * Stats listeners: one kept on the same addresses and maxconn takes its other settings in place;
     * one added, removed, bound elsewhere or given another maxconn refuses the reload (its sockets
     * would have to be rebound, and a failure then would leave nothing to go back to).
     */
    private static void stats(Config running, Config next, List<String> refused, List<String> reconfigured) {
        Map<String, Proxy> before = new LinkedHashMap<>();
        running.proxies().stream().filter(Proxy::servesStats).forEach(p -> before.put(p.name(), p));
        for (Proxy p : next.proxies()) {
            if (!p.servesStats()) {
                continue;
            }
            Proxy old = before.remove(p.name());
            String at = "[" + p.source() + "] : '" + p.name() + "': ";
            if (old == null) {
                refused.add(at + "a reload cannot add a stats listener; restart instead");
            } else if (!addresses(old).equals(addresses(p))) {
                refused.add("[" + p.binds().stream().findFirst().map(b -> (Object) b.source()).orElse(p.source())
                        + "] : '" + p.name() + "': a reload cannot move a stats listener from " + addresses(old) + " to "
                        + addresses(p) + "; restart instead");
            } else if (old.maxconn() != p.maxconn()) {
                refused.add(at + "a reload cannot change a stats listener's maxconn (" + old.maxconn() + " to "
                        + p.maxconn() + "); restart instead");
            } else if (!withoutSource(old).equals(withoutSource(p))) {
                reconfigured.add(p.name());
            }
        }
        before.values().forEach(p -> refused.add("[" + p.source() + "] : '" + p.name()
                + "': a reload cannot remove a stats listener (it is gone from the new configuration); restart instead"));
    }

    /** A {@code stats socket} added, removed or changed (path, mode, level) refuses the reload. */
    private static void sockets(Global running, Global next, List<String> refused) {
        List<List<Object>> before = running.statsSockets().stream().map(ConfigDiff::socket).toList();
        List<List<Object>> after = next.statsSockets().stream().map(ConfigDiff::socket).toList();
        for (dev.pointsman.config.StatsSocket s : next.statsSockets()) {
            if (!before.contains(socket(s))) {
                refused.add("[" + s.source() + "] : 'stats socket " + s.address().label() + "': a reload cannot add or"
                        + " change a stats socket (the runtime API listens there); restart instead");
            }
        }
        for (dev.pointsman.config.StatsSocket s : running.statsSockets()) {
            if (!after.contains(socket(s))) {
                refused.add("[" + s.source() + "] : 'stats socket " + s.address().label() + "': a reload cannot remove"
                        + " or change a stats socket (the runtime API listens there); restart instead");
            }
        }
    }

    private static List<Object> socket(dev.pointsman.config.StatsSocket s) {
        return List.of(s.address(), s.mode(), s.level());
    }

    /** A proxy's settings that matter, not where its lines were. */
    private static List<Object> withoutSource(Proxy p) {
        return List.of(p.capabilities(), p.binds().stream().map(Bind::addresses).toList(), p.maxconn(),
                p.timeouts(), p.stats(), p.logs(), p.logTag());
    }

    static Servers servers(Proxy before, Proxy after) {
        Map<String, ServerConfig> old = new LinkedHashMap<>();
        before.servers().forEach(s -> old.put(s.name(), s));
        List<String> added = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        List<String> replaced = new ArrayList<>();
        List<String> rechecked = new ArrayList<>();
        for (ServerConfig s : after.servers()) {
            ServerConfig was = old.get(s.name());
            if (was == null) {
                added.add(s.name());
            } else if (sameIdentity(before, was, after, s)) {
                kept.add(s.name());
                if (s.check() && !sameChecking(before, was, after, s)) {
                    rechecked.add(s.name());
                }
            } else {
                replaced.add(s.name());
                added.add(s.name());
            }
        }
        List<String> removed = new ArrayList<>();
        for (String name : old.keySet()) {
            if (after.server(name).isEmpty() || replaced.contains(name)) {
                removed.add(name);
            }
        }
        boolean followers = !added.isEmpty() || !removed.isEmpty()
                || !before.patroniView().equals(after.patroniView()) || !before.dcs().equals(after.dcs());
        return new Servers(List.copyOf(added), List.copyOf(removed), List.copyOf(kept), List.copyOf(replaced),
                List.copyOf(rechecked), followers);
    }

    /** Same name, address and check target: the running server and its state carry over. */
    static boolean sameIdentity(Proxy beforeBackend, ServerConfig before, Proxy afterBackend, ServerConfig after) {
        return before.name().equals(after.name())
                && before.host().equals(after.host()) && before.port() == after.port()
                && Objects.equals(before.address(), after.address())
                && before.check() == after.check() && before.checkPort().equals(after.checkPort())
                && before.checkAddr().equals(after.checkAddr())
                && beforeBackend.check().equals(afterBackend.check());
    }

    /** Same pace and bounds of checking: the running checker carries over as it is. */
    static boolean sameChecking(Proxy beforeBackend, ServerConfig before, Proxy afterBackend, ServerConfig after) {
        return before.inter().equals(after.inter())
                && before.fastinter().equals(after.fastinter()) && before.downinter().equals(after.downinter())
                && before.rise() == after.rise() && before.fall() == after.fall() && before.backup() == after.backup()
                && beforeBackend.timeouts().check().equals(afterBackend.timeouts().check())
                && beforeBackend.timeouts().connect().equals(afterBackend.timeouts().connect());
    }

    /**
     * Which listening addresses stay bound, which are new and which close. The same address twice
     * in a section (port 0 in tests) matches occurrence by occurrence.
     */
    static Listeners listeners(Proxy before, Proxy after) {
        List<Bind.Address> remaining = new ArrayList<>(addresses(before));
        List<Bind.Address> kept = new ArrayList<>();
        List<Bind.Address> added = new ArrayList<>();
        for (Bind.Address a : addresses(after)) {
            if (remaining.remove(a)) {
                kept.add(a);
            } else {
                added.add(a);
            }
        }
        return new Listeners(List.copyOf(kept), List.copyOf(added), List.copyOf(remaining));
    }

    static List<Bind.Address> addresses(Proxy p) {
        return p.binds().stream().flatMap(b -> b.addresses().stream()).toList();
    }

    /** True when nothing at all changes at run time. */
    boolean empty() {
        return addedBackends.isEmpty() && removedBackends.isEmpty() && addedFrontends.isEmpty()
                && removedFrontends.isEmpty() && backends.values().stream().allMatch(Servers::unchanged)
                && frontends.values().stream().allMatch(l -> l.added().isEmpty() && l.removed().isEmpty());
    }

    Optional<Servers> backend(String name) {
        return Optional.ofNullable(backends.get(name));
    }
}
