package dev.pointsman.stats;

import dev.pointsman.backend.Availability;
import dev.pointsman.backend.Backend;
import dev.pointsman.backend.PrimaryChange;
import dev.pointsman.backend.PrimaryChanges;
import dev.pointsman.backend.Server;
import dev.pointsman.backend.SessionRate;
import dev.pointsman.backend.SessionTimes;
import dev.pointsman.backend.TrafficCounters;
import dev.pointsman.check.CheckReport;
import dev.pointsman.check.HealthState;
import dev.pointsman.check.PoolKind;
import dev.pointsman.config.Config;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.frontend.Frontend;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * What stats read: the running frontends, backends and stats listeners, turned into rows of
 * {@link Field}s on demand. Reads volatile state and counters only; never blocks the proxy.
 */
public final class Stats {
    /** Replaced by a reload; the backends and frontends given are live collections the runtime updates. */
    private volatile Config config;
    private final Map<String, Backend> backends;
    private final List<Frontend> frontends;
    private final PatroniView patroni;
    private final LongSupplier nanoClock;
    private final long startNanos;
    private final Map<String, ListenerCounters> listeners = new ConcurrentHashMap<>();
    private volatile java.util.function.Supplier<Map<String, ?>> clusters = Map::of;
    private volatile AlertBoard alerts = AlertBoard.NONE;
    private volatile PageActions actions = PageActions.NONE;

    public Stats(Config config, Map<String, Backend> backends, List<Frontend> frontends, PatroniView patroni,
                 LongSupplier nanoClock) {
        this.config = config;
        this.backends = backends;
        this.frontends = frontends;
        this.patroni = patroni;
        this.nanoClock = nanoClock;
        this.startNanos = nanoClock.getAsLong();
    }

    Config config() {
        return config;
    }

    /** A reload: rows follow the new configuration's sections from now on. */
    public void reconfigure(Config next) {
        this.config = next;
    }

    /** The Patroni cluster views by backend, put under "clusters" in the JSON output. */
    public void clusters(java.util.function.Supplier<Map<String, ?>> views) {
        this.clusters = views;
    }

    Map<String, ?> clusters() {
        return clusters.get();
    }

    /** The split-brain alerts of each backend, shown on its BACKEND row and acknowledged from the page. */
    public void alerts(AlertBoard board) {
        this.alerts = board;
    }

    AlertBoard alerts() {
        return alerts;
    }

    /** What the page's server actions apply through: the runtime API's own path. */
    public void actions(PageActions actions) {
        this.actions = actions;
    }

    PageActions actions() {
        return actions;
    }

    /** Now, by the clock these stats read time from (nanoseconds). */
    long nanoTime() {
        return nanoClock.getAsLong();
    }

    long uptimeSeconds() {
        return TimeUnit.NANOSECONDS.toSeconds(nanoClock.getAsLong() - startNanos);
    }

    ListenerCounters listener(String proxy, int limit) {
        return listeners.computeIfAbsent(proxy, p -> new ListenerCounters(limit));
    }

    /** The counters of the stats listener of {@code proxy}, if it has one. */
    Optional<ListenerCounters> listenerCounters(String proxy) {
        return Optional.ofNullable(listeners.get(proxy));
    }

    /** Connections a stats listener accepted since start (0 for a proxy without one). */
    public long listenerConnections(String proxy) {
        ListenerCounters c = listeners.get(proxy);
        return c == null ? 0 : c.total.sum();
    }

    /** HAProxy's CSV, as the page's {@code ;csv} and the runtime API's {@code show stat} give it. */
    public String csv() {
        return CsvOutput.render(collect());
    }

    /** Every proxy of the configuration, in file order, with its rows. */
    List<ProxyBlock> collect() {
        long now = nanoClock.getAsLong();
        Set<String> primaries = primaryAddressesUp();
        List<ProxyBlock> blocks = new ArrayList<>();
        int iid = 0;
        for (Proxy p : config.proxies()) {
            iid++;
            String mode = p.mode().name().toLowerCase(Locale.ROOT);
            List<Row> rows = new ArrayList<>();
            Optional<Frontend> fe = frontends.stream().filter(f -> f.name().equals(p.name())).findFirst();
            ListenerCounters lc = listeners.get(p.name());
            if (fe.isPresent()) {
                rows.add(frontendRow(fe.get()));
            } else if (lc != null) {
                rows.add(listenerRow(p, lc));
            }
            Backend be = backends.get(p.name());
            if (be != null) {
                PoolKind pool = pool(be.config().check());
                for (Server s : be.servers()) {
                    rows.add(serverRow(be, s, pool, primaries, now));
                }
                rows.add(backendRow(be, now));
            } else if (lc != null) {
                rows.add(new Row(Scope.BACKEND, p.name(), "BACKEND", null).set(Field.STATUS, "UP"));
            }
            for (Row r : rows) {
                r.set(Field.IID, (long) iid).set(Field.MODE, mode);
                if (r.scope() != Scope.SERVER) {
                    r.set(Field.SID, 0L);
                }
            }
            if (!rows.isEmpty()) {
                blocks.add(new ProxyBlock(p.name(), mode, rows,
                        be == null ? List.of() : recent(be.primaryChanges().events())));
            }
        }
        return blocks;
    }

    /** What the page shows of the switchover report: the newest changes. */
    static final int PAGE_CHANGES = 10;

    private static List<PrimaryChange> recent(List<PrimaryChange> events) {
        return events.subList(0, Math.min(PAGE_CHANGES, events.size()));
    }

    private static PoolKind pool(HealthCheck check) {
        return switch (check.type()) {
            case HTTP -> PoolKind.of(check.http().uri());
            case PGSQL_ROLE -> check.roleCheck().map(r -> r.expect() == HealthCheck.RoleCheck.Role.PRIMARY
                    ? PoolKind.PRIMARY : PoolKind.REPLICA).orElse(PoolKind.OTHER);
            default -> PoolKind.OTHER;
        };
    }

    /** host:port of servers UP in a backend whose check selects the primary. */
    private Set<String> primaryAddressesUp() {
        Set<String> up = new HashSet<>();
        for (Backend b : backends.values()) {
            if (pool(b.config().check()) == PoolKind.PRIMARY) {
                for (Server s : b.servers()) {
                    if (s.opState() == Server.OpState.UP && s.config().check()) {
                        up.add(address(s.config()));
                    }
                }
            }
        }
        return up;
    }

    private static String address(ServerConfig c) {
        return c.host() + ":" + c.port();
    }

    private static Row frontendRow(Frontend f) {
        int scur = f.feconn();
        String status = !f.accepting() ? "STOP" : scur >= f.maxconn() ? "FULL" : "OPEN";
        return new Row(Scope.FRONTEND, f.name(), "FRONTEND", null)
                .set(Field.SCUR, (long) scur)
                .set(Field.SMAX, (long) f.maxSessions())
                .set(Field.SLIM, (long) f.maxconn())
                .set(Field.STOT, f.total.sum())
                .set(Field.RATE, f.rate.rate(System.nanoTime()))
                .set(Field.RATE_MAX, f.rate.max())
                .set(Field.CONN_TOT, f.total.sum())
                .set(Field.BIN, f.bytesIn.sum())
                .set(Field.BOUT, f.bytesOut.sum())
                .set(Field.DREQ, 0L)
                .set(Field.EREQ, 0L)
                .set(Field.STATUS, status);
    }

    private static Row listenerRow(Proxy p, ListenerCounters c) {
        return new Row(Scope.FRONTEND, p.name(), "FRONTEND", null)
                .set(Field.SCUR, (long) c.current.get())
                .set(Field.SMAX, (long) c.max.get())
                .set(Field.SLIM, (long) c.limit)
                .set(Field.STOT, c.total.sum())
                .set(Field.CONN_TOT, c.total.sum())
                .set(Field.BIN, c.bytesIn.sum())
                .set(Field.BOUT, c.bytesOut.sum())
                .set(Field.DREQ, c.denied.sum())
                .set(Field.EREQ, c.badRequests.sum())
                .set(Field.DCON, c.refused.sum())
                .set(Field.INTERCEPTED, c.intercepted.sum())
                .set(Field.STATUS, c.open ? "OPEN" : "STOP");
    }

    private Row serverRow(Backend b, Server s, PoolKind pool, Set<String> primaries, long now) {
        ServerConfig c = s.config();
        Optional<CheckReport> last = s.lastCheck();
        String status = status(s, last);
        Optional<PatroniFacts> facts = patroni.facts(s);
        boolean primaryElsewhere = pool == PoolKind.REPLICA && primaries.contains(address(c));
        Standing standing = Standing.of(s, status, pool, facts, primaryElsewhere);
        Server.Counters k = s.counters();
        Row r = traffic(new Row(Scope.SERVER, b.name(), s.name(), standing), k, now)
                .set(Field.QCUR, 0L).set(Field.QMAX, 0L)
                .set(Field.SCUR, (long) s.sessions())
                .set(Field.SMAX, (long) s.maxSessions())
                .set(Field.SLIM, c.maxconn() > 0 ? (long) c.maxconn() : null)
                .set(Field.STATUS, status)
                .set(Field.WEIGHT, (long) s.weight())
                .set(Field.UWEIGHT, (long) s.weight())
                .set(Field.ACT, c.backup() ? 0L : 1L)
                .set(Field.BCK, c.backup() ? 1L : 0L)
                .set(Field.CHKDOWN, k.downTransitions.sum())
                .set(Field.LASTCHG, seconds(now - s.lastChangeNanos()))
                .set(Field.DOWNTIME, c.check() ? seconds(s.downtimeNanos(now)) : null)
                .set(Field.QLIMIT, c.maxqueue() > 0 ? (long) c.maxqueue() : null)
                .set(Field.SID, (long) c.id())
                .set(Field.LBTOT, k.lbTotal.sum())
                .set(Field.ADDR, address(c))
                .set(Field.STANDING, standing.kind().name())
                .set(Field.STANDING_DESC, standing.label());
        if (c.check()) {
            HealthState h = last.map(CheckReport::state).orElse(new HealthState(0, c.rise(), c.fall(), false));
            r.set(Field.CHKFAIL, k.checkFailures.sum())
                    .set(Field.CHECK_RISE, (long) h.rise())
                    .set(Field.CHECK_FALL, (long) h.fall())
                    .set(Field.CHECK_HEALTH, (long) h.health())
                    .set(Field.CHECK_STATUS, last.map(l -> l.result().status().name()).orElse("INI"))
                    .set(Field.CHECK_DESC, last.map(l -> l.result().status().description()).orElse("Initializing"));
            last.ifPresent(l -> {
                r.set(Field.CHECK_DURATION, l.result().duration().toMillis());
                l.result().code().ifPresent(code -> r.set(Field.CHECK_CODE, (long) code));
                if (!l.result().info().isEmpty()) {
                    r.set(Field.LAST_CHK, l.result().info());
                }
            });
        }
        facts.ifPresent(f -> {
            r.set(Field.PATRONI_ROLE, f.role().orElse(null)).set(Field.PATRONI_STATE, f.state().orElse(null))
                    .set(Field.PATRONI_SOURCE, f.source());
            f.timeline().ifPresent(t -> r.set(Field.PATRONI_TIMELINE, t));
            f.lagBytes().ifPresent(l -> r.set(Field.PATRONI_LAG, l));
            f.pendingRestart().ifPresent(p -> r.set(Field.PATRONI_PENDING_RESTART, p ? 1L : 0L));
        });
        return r;
    }

    /** HAProxy's server status: MAINT, DRAIN, UP, UP 1/3 (going down), DOWN, DOWN 1/2 (going up), no check. */
    static String status(Server s, Optional<CheckReport> last) {
        if (s.adminState() == Server.AdminState.MAINT) {
            return "MAINT";
        }
        if (s.adminState() == Server.AdminState.DRAIN) {
            return "DRAIN";
        }
        if (!s.config().check()) {
            return "no check";
        }
        boolean up = s.opState() == Server.OpState.UP;
        if (last.isPresent() && last.get().state().up() == up) {
            return last.get().state().statusText();
        }
        return up ? "UP" : "DOWN";
    }

    private Row backendRow(Backend b, long now) {
        Backend.Counters k = b.counters();
        Availability a = b.availability();
        long weight = 0;
        long lbtot = 0;
        for (Server s : b.servers()) {
            if (s.usable() && !s.config().backup()) {
                weight += s.weight();
            }
            lbtot += s.counters().lbTotal.sum();
        }
        long uweight = b.servers().stream().filter(s -> !s.config().backup()).mapToLong(Server::weight).sum();
        Row row = new Row(Scope.BACKEND, b.name(), "BACKEND", null);
        alerts.of(b.name()).ifPresent(al -> row.set(Field.SPLIT_BRAIN, al.total())
                .set(Field.SPLIT_BRAIN_UNACKED, (long) al.unacknowledged())
                .set(Field.SPLIT_BRAIN_LAST, al.last().orElse(null))
                .set(Field.SPLIT_BRAIN_LAST_AT, al.lastAt().map(Object::toString).orElse(null)));
        primaryChanges(row, b.primaryChanges());
        return traffic(row, k, now)
                .set(Field.QCUR, (long) b.queued())
                .set(Field.QMAX, (long) b.maxQueued())
                .set(Field.SCUR, (long) b.sessions())
                .set(Field.SMAX, (long) b.maxSessions())
                .set(Field.DREQ, 0L)
                .set(Field.STATUS, a.up() ? "UP" : "DOWN")
                .set(Field.WEIGHT, weight)
                .set(Field.UWEIGHT, uweight)
                .set(Field.ACT, (long) b.activeUsable())
                .set(Field.BCK, (long) b.backupUsable())
                .set(Field.CHKDOWN, a.downTransitions())
                .set(Field.LASTCHG, seconds(now - a.lastChangeNanos()))
                .set(Field.DOWNTIME, seconds(a.downtimeNanos(now)))
                .set(Field.LBTOT, lbtot)
                .set(Field.ALGO, b.config().balance().algorithm().keyword());
    }

    /** The switchover report's figures, on a primary pool only. */
    private static void primaryChanges(Row row, PrimaryChanges changes) {
        if (!changes.tracked()) {
            return;
        }
        row.set(Field.PRIMARY_CHANGES, changes.total());
        PrimaryChange last = changes.last();
        if (last != null) {
            row.set(Field.PRIMARY_LAST_AT, last.at().toString())
                    .set(Field.PRIMARY_LAST, last.from() + " -> " + last.to() + " (" + last.learnt() + ")")
                    .set(Field.PRIMARY_LAST_GAP, last.gap().toMillis())
                    .set(Field.PRIMARY_LAST_WAIT, last.longestWait().toMillis())
                    .set(Field.PRIMARY_LAST_HELD, last.held())
                    .set(Field.PRIMARY_LAST_CUT, last.cut())
                    .set(Field.PRIMARY_LAST_FAILED, last.failed())
                    .set(Field.PRIMARY_LAST_RETRIED, last.retried());
        }
    }

    /** The session totals, bytes, errors, rate and time columns a server and a backend both have. */
    private static Row traffic(Row r, TrafficCounters k, long now) {
        SessionRate rate = k.rate;
        SessionTimes times = k.times;
        return r.set(Field.STOT, k.total.sum())
                .set(Field.BIN, k.bytesIn.sum())
                .set(Field.BOUT, k.bytesOut.sum())
                .set(Field.ECON, k.connectErrors.sum())
                .set(Field.WRETR, k.retries.sum())
                .set(Field.WREDIS, k.redispatches.sum())
                .set(Field.RATE, rate.rate(now))
                .set(Field.RATE_MAX, rate.max())
                .set(Field.LASTSESS, rate.secondsSinceLast(now))
                .set(Field.QTIME, times.queueAverage()).set(Field.CTIME, times.connectAverage())
                .set(Field.TTIME, times.totalAverage()).set(Field.QTIME_MAX, times.queueMax())
                .set(Field.CTIME_MAX, times.connectMax()).set(Field.TTIME_MAX, times.totalMax());
    }

    private static long seconds(long nanos) {
        return Math.max(0, TimeUnit.NANOSECONDS.toSeconds(nanos));
    }
}
