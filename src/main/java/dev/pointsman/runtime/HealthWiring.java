package dev.pointsman.runtime;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.RefusedAtStartup;
import dev.pointsman.backend.Server;
import dev.pointsman.backend.Veto;
import dev.pointsman.check.CheckEnvironment;
import dev.pointsman.check.CheckReport;
import dev.pointsman.check.CheckStatus;
import dev.pointsman.check.HealthChecker;
import dev.pointsman.check.HealthListener;
import dev.pointsman.check.HealthLog;
import dev.pointsman.check.HealthState;
import dev.pointsman.check.OperationalState;
import dev.pointsman.check.PoolKind;
import java.net.InetSocketAddress;
import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.log.BackendLines;
import dev.pointsman.log.ProxyLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects health checks to backend state (flow 2). Every report is recorded on its server for
 * stats; a state change updates the backend's snapshot, cuts sessions where configured and logs
 * the change in HAProxy's wording. Beyond HAProxy, the checks of related servers react to each
 * other, because in a Patroni cluster one node's change announces another's:
 *
 * <ul>
 *   <li>any change hurries the other servers of the backend (checked now, then at fastinter);</li>
 *   <li>when a server comes UP on a primary pool (check URI {@code /}, {@code /primary}...),
 *       the pool's other usable servers are withdrawn ("recheck" veto) and checked at once:
 *       Patroni has one leader, so the server that held the lock before must prove it still
 *       does. The same node is withdrawn from replica pools. A fresh passing check lifts the
 *       veto; a fresh "wrong status" answer instead confirms the demotion and cuts the node's
 *       sessions at once when {@code on-marked-down shutdown-sessions} is set, without waiting
 *       for {@code fall};</li>
 *   <li>a refused or timed-out connection withdraws the server ("connect" veto) and checks it
 *       at once; the session waits in the queue instead of failing.</li>
 * </ul>
 *
 * <p>A reload adds and removes members ({@link #addServers}, {@link #removeServers}, on the reload
 * thread; the maps are concurrent): a kept server keeps its checker, a report of a removed one
 * still in flight is dropped on the owner.
 */
final class HealthWiring implements HealthListener, Backend.ConnectFailureListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("health");
    /** How long siblings are checked at fastinter after a change: a Patroni switchover settles well within it. */
    static final Duration REACTION_WINDOW = Duration.ofSeconds(15);
    /**
     * A server withdrawn because it refused a session stays out at least this long, even if its
     * check passes at once: the old primary's REST API says 200 for a second or so after its
     * PostgreSQL stopped, and sessions must wait for the new primary rather than bounce.
     */
    static final Duration CONNECT_HOLD = Duration.ofMillis(500);

    private record Member(Backend backend, Server server, HealthChecker checker, PoolKind pool) {}

    private final CheckEnvironment env;
    private final io.netty.channel.EventLoopGroup group;
    // concurrent: read on check loops and owners, changed by a reload (members come and go)
    private final Map<Server, Member> members = new ConcurrentHashMap<>();
    /** "backend/server" → member, to find a report's member without a scan. */
    private final Map<String, Member> byName = new ConcurrentHashMap<>();
    private final Map<Backend, List<Member>> byBackend = new ConcurrentHashMap<>();
    private final Map<InetSocketAddress, List<Member>> byAddress = new ConcurrentHashMap<>();
    private final Map<String, ProxyLog> logs = new ConcurrentHashMap<>();
    /** Servers {@code disabled} in the configuration whose checks have not started yet (see {@link #leftMaintenance}). */
    private final Set<Server> dormant = ConcurrentHashMap.newKeySet();
    private volatile java.util.function.Consumer<Backend> stateChangeHook = b -> { };

    private HealthWiring(CheckEnvironment env, io.netty.channel.EventLoopGroup group) {
        this.env = env;
        this.group = group;
    }

    static HealthWiring start(Pointsman p) {
        HealthWiring wiring = new HealthWiring(CheckEnvironment.create(p.group(), p.transport().socketChannel()), p.group());
        for (Backend b : p.backends().values()) {
            wiring.addBackend(b, p.logs().of(b.config()));
        }
        return wiring;
    }

    /** Checks every checked server of a backend (at start, or a backend a reload added). */
    void addBackend(Backend b, ProxyLog log) {
        logs.put(b.name(), log);
        if (PoolKind.of(b.config().check()) == PoolKind.PRIMARY) {
            b.primaryChanges().track(); // the switchover report follows who is primary
        }
        b.onConnectFailure(this);
        addServers(b, b.servers());
    }

    /** A reload removed the backend: its checks stop. */
    void removeBackend(Backend b) {
        removeServers(b.servers());
        byBackend.remove(b);
        logs.remove(b.name());
    }

    /** A reload kept the backend, maybe with other {@code log} targets. */
    void keepBackend(Backend b, ProxyLog log) {
        logs.put(b.name(), log);
        if (PoolKind.of(b.config().check()) == PoolKind.PRIMARY) {
            b.primaryChanges().track(); // its check may have made it a primary pool
        } else if (b.primaryChanges().tracked()) {
            b.primaryChanges().untrack(); // or a replica pool, with no primary to follow
        }
    }

    /**
     * Starts the checks of {@code servers} (a backend's at start, or those a reload added), spread
     * over the first interval; a server {@code disabled} in the configuration is checked from when
     * it first leaves maintenance.
     */
    void addServers(Backend b, List<Server> servers) {
        PoolKind pool = PoolKind.of(b.config().check());
        List<Server> checked = servers.stream().filter(s -> s.config().check()).toList();
        List<Member> added = new ArrayList<>();
        for (int i = 0; i < checked.size(); i++) {
            Server s = checked.get(i);
            HealthChecker.forServer(b.config(), s.config(), i, checked.size(), env, this).ifPresent(c -> {
                c.hurryWhile(() -> waitingForAServer(b, pool));
                Member m = new Member(b, s, c, pool);
                add(m);
                added.add(m);
            });
        }
        for (Member m : added) {
            if (m.server().config().disabled()) {
                dormant.add(m.server());
            } else {
                m.checker().start();
            }
        }
    }

    /**
     * A reload kept {@code servers} of {@code b} but changed how they are checked (intervals, rise,
     * fall, backup, the backend's check or connect timeout): each gets a new checker with the new
     * settings whose counter starts from the old one's state, so an UP server stays UP and no state
     * line is logged; the server itself, its admin state and weight are untouched. A report of the
     * old checker still in flight is dropped. A dormant checker (disabled, never out of
     * maintenance) stays dormant.
     */
    void recheck(Backend b, List<Server> servers) {
        PoolKind pool = PoolKind.of(b.config().check());
        for (int i = 0; i < servers.size(); i++) {
            Server s = servers.get(i);
            Member old = members.get(s);
            if (old == null) {
                continue;
            }
            boolean sleeping = dormant.contains(s);
            HealthState state = old.checker().state();
            removeServers(List.of(s));
            int index = i;
            HealthChecker.forServer(b.config(), s.config(), index, servers.size(), env, this, state).ifPresent(c -> {
                c.hurryWhile(() -> waitingForAServer(b, pool));
                add(new Member(b, s, c, pool));
                if (sleeping) {
                    dormant.add(s);
                } else {
                    c.start();
                }
            });
        }
    }

    /** A reload removed {@code servers} from their backend: their checks stop; a report still in flight is dropped. */
    void removeServers(List<Server> servers) {
        for (Server s : servers) {
            Member m = members.remove(s);
            if (m == null) {
                continue;
            }
            dormant.remove(s);
            byName.remove(m.backend().name() + "/" + s.name(), m);
            byBackend.getOrDefault(m.backend(), List.of()).remove(m);
            byAddress.getOrDefault(s.config().address(), List.of()).remove(m);
            m.checker().close();
        }
    }

    /** Checks {@code m} now and at the hurried pace for a while, unless its checks have not started yet. */
    private void hurry(Member m) {
        if (!dormant.contains(m.server())) {
            m.checker().hurry(REACTION_WINDOW);
        }
    }

    /**
     * The admin API took {@code server} out of maintenance: its checks start if they had not (a
     * server {@code disabled} in the configuration) and run at once, as HAProxy checks a server
     * leaving maintenance immediately. Any thread.
     */
    void leftMaintenance(Server server) {
        Member m = members.get(server);
        if (m != null) {
            dormant.remove(server);
            m.checker().start();
            m.checker().checkNow();
        }
    }

    /** Health-check loops: show info counts them among its tasks. */
    int checkers() {
        return members.size();
    }

    /**
     * Whether the backend's checks run at the hurried pace for now: a primary pool without a usable
     * server (new clients wait for the next primary), or any pool with clients in its queue and no
     * usable server. Costs a few checks a second per server, only while nothing can serve.
     */
    private static boolean waitingForAServer(Backend b, PoolKind pool) {
        return b.activeUsable() + b.backupUsable() == 0 && (pool == PoolKind.PRIMARY || b.queued() > 0);
    }

    private void add(Member m) {
        members.put(m.server(), m);
        byName.put(m.backend().name() + "/" + m.server().name(), m);
        byBackend.computeIfAbsent(m.backend(), k -> new CopyOnWriteArrayList<>()).add(m);
        byAddress.computeIfAbsent(m.server().config().address(), k -> new CopyOnWriteArrayList<>()).add(m);
    }

    /** A check's report, on the check's loop: handled on the backend's owner, in order with every other change. */
    @Override
    public void onCheck(CheckReport report) {
        Member m = member(report);
        if (m != null) {
            // when the probe started, taken here: the hop to the owner must not make an old answer look fresh
            long probeStart = System.nanoTime() - report.result().duration().toNanos();
            m.backend().owner().execute(() -> handle(m, report, probeStart));
        }
    }

    private void handle(Member m, CheckReport report, long probeStart) {
        if (members.get(m.server()) != m) {
            return; // a reload removed the server meanwhile
        }
        Server server = m.server();
        server.recordCheck(report);
        if (report.result().passed()) {
            server.checkPassed(probeStart);
            liftIfFresh(m, Veto.RECHECK, probeStart);
            liftIfFresh(m, Veto.CONNECT, probeStart);
        } else if (report.result().status() == CheckStatus.L7STS && fresh(m, Veto.RECHECK, probeStart)) {
            confirmDemoted(m, report);
        }
        if (report.changed()) {
            changed(m, report);
        }
    }

    private void changed(Member m, CheckReport report) {
        Backend backend = m.backend();
        Server server = m.server();
        boolean up = report.current() == OperationalState.UP;
        // withdraw the other claimants first, so that no new session can reach them once this one is up
        if (up && m.pool() == PoolKind.PRIMARY) {
            for (Member other : byBackend.getOrDefault(backend, List.of())) {
                if (other != m && other.server().usable()) {
                    veto(other, Veto.RECHECK, server.name() + " came up on this primary pool; re-checking");
                }
            }
            for (Member same : byAddress.getOrDefault(server.config().address(), List.of())) {
                if (same.pool() == PoolKind.REPLICA) {
                    veto(same, Veto.RECHECK, "holds the primary role in '" + backend.name() + "'; re-checking");
                }
            }
        }
        backend.setOpState(server, up ? Server.OpState.UP : Server.OpState.DOWN);
        int cut = 0;
        if (!up && server.config().shutdownSessionsOnDown()) {
            cut = backend.shutdownSessions(server, 'D');
        }
        if (up && !server.config().backup() && server.config().shutdownBackupSessionsOnUp()) {
            for (Server other : backend.servers()) {
                if (other.config().backup()) {
                    backend.shutdownSessions(other, 'U');
                }
            }
        }
        String line = HealthLog.stateChange(report, new HealthLog.ServerCounts(backend.activeUp(),
                backend.backupUp(), server.sessions() + cut, 0, backend.queued()));
        ProxyLog log = logs.getOrDefault(backend.name(), null);
        if (up) {
            LOG.info(line);
            if (log != null) {
                log.log(Level.NOTICE, line);
            }
        } else {
            LOG.warn(line);
            if (log != null) {
                log.log(Level.ALERT, line);
            }
            if (backend.activeUsable() + backend.backupUsable() == 0) {
                BackendLines.noServerAvailable(LOG, log, backend.config());
            }
        }
        for (Member sibling : byBackend.getOrDefault(backend, List.of())) {
            if (sibling != m) {
                hurry(sibling);
            }
        }
        stateChangeHook.accept(backend);
        if (m.pool() == PoolKind.PRIMARY) {
            for (Member same : byAddress.getOrDefault(server.config().address(), List.of())) {
                if (same != m) {
                    hurry(same);
                }
            }
        }
    }

    /** Called after any server of a backend changed state (the cluster view polls faster then). */
    void onStateChange(java.util.function.Consumer<Backend> hook) {
        stateChangeHook = hook;
    }

    /** Checks every server of the backend now, then at the hurried pace for a while. */
    void hurry(Backend backend) {
        for (Member m : byBackend.getOrDefault(backend, List.of())) {
            hurry(m);
        }
    }

    /** A withdrawn server answered "not me" on a fresh check: its role is gone, its sessions go too. */
    private void confirmDemoted(Member m, CheckReport report) {
        if (m.server().config().shutdownSessionsOnDown() && m.server().sessions() > 0) {
            int cut = m.backend().shutdownSessions(m.server(), 'D');
            LOG.warn("Server {}/{} answers {} while another node holds its role: {} sessions cut",
                    m.backend().name(), m.server().name(), report.result().code().orElse(0), cut);
        }
    }

    /** On the backend's owner (see {@link Backend#onConnectFailure}). */
    @Override
    public void connectFailed(Backend backend, Server server, Throwable cause) {
        Member m = members.get(server);
        if (m != null && server.usable()) {
            String why = cause instanceof RefusedAtStartup ? cause.getMessage() : cause.getClass().getSimpleName();
            veto(m, Veto.CONNECT, "connection failed (" + why + "); re-checking");
        }
    }

    /** Withdraws {@code m}'s server on its backend's owner and checks it at once. */
    private void veto(Member m, Veto source, String reason) {
        // checked once the veto is in force on its owner (another backend's, for the same node in
        // another pool), so that the check's answer counts as fresh
        m.backend().withdraw(m.server(), source, reason, false).addListener(f -> m.checker().checkNow());
    }

    /**
     * Whether {@code source}'s veto on {@code m} was last asserted before a probe that started at
     * {@code probeStart} ({@code System.nanoTime()}, the clock Pointsman gives its backends).
     */
    private static boolean fresh(Member m, Veto source, long probeStart) {
        return m.server().vetoOf(source).map(w -> probeStart >= w.assertedNanos()).orElse(false);
    }

    private void liftIfFresh(Member m, Veto source, long probeStart) {
        if (!fresh(m, source, probeStart)) {
            return;
        }
        if (source == Veto.CONNECT) {
            long held = System.nanoTime() - m.server().vetoOf(source).orElseThrow().sinceNanos();
            if (held < CONNECT_HOLD.toNanos()) {
                group.schedule(m.checker()::checkNow, CONNECT_HOLD.toNanos() - held, TimeUnit.NANOSECONDS);
                return;
            }
        }
        m.backend().allow(m.server(), source, "check passed");
    }

    private Member member(CheckReport report) {
        return byName.get(report.backend() + "/" + report.server());
    }

    /** The checker of a server, while it has one (tests: a reload keeps a kept server's checker). */
    java.util.Optional<HealthChecker> checker(Server server) {
        return java.util.Optional.ofNullable(members.get(server)).map(Member::checker);
    }

    @Override
    public void close() {
        members.values().forEach(m -> m.checker().close());
        env.close();
    }
}
