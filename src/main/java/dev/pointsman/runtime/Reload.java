package dev.pointsman.runtime;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.backend.SessionPolicy;
import dev.pointsman.config.Bind;
import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.frontend.Frontend;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One reload in place, from the running configuration to {@code next} ({@link ConfigDiff} says
 * what changes). Refused before anything is touched when {@link ConfigDiff#refused()} names a change
 * that cannot be made in place (a stats listener added, removed or moved, a stats socket changed).
 * Two phases:
 *
 * <ol>
 *   <li>Prepare, all or nothing: new backends and frontends are built, and every new listening
 *       address is bound. A bind that fails closes what this reload bound and throws: the running
 *       configuration goes on untouched.</li>
 *   <li>Apply, which cannot fail: each kept backend takes its new settings and servers on its owner
 *       (a kept server keeps its state, checker and sessions; a kept server checked at another pace
 *       or with other rise/fall or timeouts gets a new checker that starts from the old one's state); checks of removed servers stop and
 *       those of new servers start; the Patroni view and etcd watch of a backend whose servers
 *       changed start again; every kept frontend sends new sessions to its new backend with its new
 *       settings and closes the addresses it dropped; removed frontends stop accepting and removed
 *       backends stop checking. Sessions already running go on, except those of a removed server
 *       with {@code on-marked-down shutdown-sessions}, which end at once.</li>
 * </ol>
 *
 * <p>Runs on the thread that asked for the reload (one at a time: {@link Pointsman#reload}).
 */
final class Reload {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");

    private final Pointsman p;
    private final Config next;
    private final ConfigDiff diff;
    private final Map<String, Backend> addedBackends = new LinkedHashMap<>();
    private final List<Frontend> addedFrontends = new ArrayList<>();

    Reload(Pointsman p, Config next) {
        this.p = p;
        this.next = next;
        this.diff = ConfigDiff.of(p.config(), next);
    }

    void apply() throws BindFailedException {
        if (!diff.refused().isEmpty()) {
            throw new BindFailedException(String.join("; ", diff.refused()), null);
        }
        prepare();
        diff.restartNeeded().forEach(w -> LOG.warn("Reload: {}: kept as it is until the next start (needs a restart)", w));
        try {
            applyPrepared();
        } catch (RuntimeException e) {
            // what prepare() bound and no running part took over would listen, unowned, until exit
            for (Frontend f : addedFrontends) {
                if (!p.frontends().contains(f)) {
                    f.stopAccepting();
                    p.gate().unregister(f);
                }
            }
            throw e;
        }
    }

    /** The second phase; a failure here is a defect (a backend's owner gone), never a refused configuration. */
    private void applyPrepared() {
        for (Map.Entry<String, ConfigDiff.Servers> e : diff.backends().entrySet()) {
            keep(p.backends().get(e.getKey()), proxy(e.getKey()), e.getValue());
        }
        for (Backend b : addedBackends.values()) {
            p.liveBackends().put(b.name(), b);
            p.health().addBackend(b, p.logs().of(b.config()));
            p.cluster().add(p, b);
            p.dcs().add(p, b);
            ProxyLines.started(b.config(), p.logs());
            LOG.info("Reload: backend {} added with {} servers", b.name(), b.servers().size());
        }
        for (Frontend f : p.frontends()) {
            ConfigDiff.Listeners l = diff.frontends().get(f.name());
            if (l == null) {
                continue; // removed below
            }
            Proxy fp = proxy(f.name());
            f.retarget(fp, backendOf(fp), policy(fp));
            if (!l.removed().isEmpty()) {
                f.unlisten(l.removed()).forEach(a -> LOG.info("Reload: listener {} closed on {}; its sessions go on",
                        f.name(), a));
            }
        }
        for (Frontend f : addedFrontends) {
            p.frontends().add(f);
            if (!addedBackends.containsKey(f.name())) {
                ProxyLines.started(f.config(), p.logs());
            }
        }
        for (String name : diff.removedFrontends()) {
            p.frontend(name).ifPresent(f -> {
                f.stopAccepting();
                p.frontends().remove(f);
                p.gate().unregister(f);
                LOG.info("Reload: frontend {} removed; its {} sessions go on", name, f.feconn());
            });
        }
        for (String name : diff.removedBackends()) {
            Backend b = p.backends().get(name);
            p.dcs().remove(b);
            p.cluster().remove(b);
            p.health().removeBackend(b);
            p.liveBackends().remove(name);
            removed(b, b.servers());
            LOG.info("Reload: backend {} removed", name);
        }
        p.liveBackends().reorder(next.proxies().stream().map(Proxy::name).toList());
        for (String name : diff.statsReconfigured()) {
            p.statsServer(name).ifPresent(s -> {
                s.reconfigure(proxy(name));
                LOG.info("Reload: stats listener {}: its new settings apply to new requests", name);
            });
        }
    }

    /** Builds what is new and binds every new address; on a failure nothing of it stays. */
    private void prepare() throws BindFailedException {
        refuseMovedAddresses();
        for (String name : diff.addedBackends()) {
            addedBackends.put(name, new Backend(proxy(name), System::nanoTime, p.group().next()));
        }
        List<Runnable> undo = new ArrayList<>();
        try {
            for (Map.Entry<String, ConfigDiff.Listeners> e : diff.frontends().entrySet()) {
                if (!e.getValue().added().isEmpty()) {
                    Frontend f = p.frontend(e.getKey()).orElseThrow();
                    undo.add(f.listen(proxy(e.getKey()), e.getValue().added()));
                    e.getValue().added().forEach(a -> LOG.info("Reload: listener {} added on {}", f.name(), a));
                }
            }
            for (String name : diff.addedFrontends()) {
                Proxy fp = proxy(name);
                Frontend f = new Frontend(fp, backendOf(fp), policy(fp), p.gate());
                undo.add(() -> {
                    f.stopAccepting();
                    p.gate().unregister(f);
                });
                f.bind(p.transport(), p.group(), p.reusePort());
                addedFrontends.add(f);
                LOG.info("Reload: frontend {} added on {}", name, ConfigDiff.addresses(fp));
            }
        } catch (BindFailedException | RuntimeException e) {
            undo.forEach(Runnable::run);
            if (!undo.isEmpty()) {
                LOG.info("Reload: undone: the addresses it had bound are closed again");
            }
            throw e;
        }
    }

    /**
     * A new address that overlaps one this reload drops (same port, same or wildcard host) cannot
     * be bound while the dropped one still listens, and closing that one first would leave nothing
     * to go back to if the reload then failed: refused with a message that says so, before
     * anything is bound. Covers a section renamed on the same port and a host respelled
     * ({@code 127.0.0.1:P} to {@code *:P}).
     */
    private void refuseMovedAddresses() throws BindFailedException {
        Map<Bind.Address, String> dropped = new LinkedHashMap<>();
        for (String name : diff.removedFrontends()) {
            p.config().proxy(name).ifPresent(fp -> ConfigDiff.addresses(fp).forEach(a -> dropped.put(a, name)));
        }
        Map<Bind.Address, String> claimed = new LinkedHashMap<>();
        for (Map.Entry<String, ConfigDiff.Listeners> e : diff.frontends().entrySet()) {
            e.getValue().removed().forEach(a -> dropped.put(a, e.getKey()));
            e.getValue().added().forEach(a -> claimed.put(a, e.getKey()));
        }
        for (String name : diff.addedFrontends()) {
            ConfigDiff.addresses(proxy(name)).forEach(a -> claimed.put(a, name));
        }
        for (Map.Entry<Bind.Address, String> c : claimed.entrySet()) {
            for (Map.Entry<Bind.Address, String> d : dropped.entrySet()) {
                if (!overlap(c.getKey(), d.getKey())) {
                    continue;
                }
                String at = "[" + source(proxy(c.getValue()), c.getKey()) + "] : '" + c.getValue() + "': ";
                if (c.getValue().equals(d.getValue())) {
                    throw new BindFailedException(at + "address " + c.getKey() + " overlaps " + d.getKey()
                            + ", which it still listens on; a reload cannot rebind an address under another spelling,"
                            + " restart instead", null);
                }
                throw new BindFailedException(at + "address " + d.getKey() + " is used by section '" + d.getValue()
                        + "' being removed; a reload cannot move an address between sections, restart instead", null);
            }
        }
    }

    /** Where {@code address} is bound in {@code frontend}'s configuration (file:line). */
    private static Object source(Proxy frontend, Bind.Address address) {
        return frontend.binds().stream().filter(b -> b.addresses().contains(address)).findFirst()
                .<Object>map(Bind::source).orElse(frontend.name());
    }

    /** Same port (not 0: an ephemeral port never collides) and the same host, or a wildcard. */
    static boolean overlap(Bind.Address a, Bind.Address b) {
        if (a.port() == 0 || a.port() != b.port()) {
            return false;
        }
        if (wildcard(a) || wildcard(b)) {
            return true;
        }
        try {
            Set<InetAddress> left = Set.of(InetAddress.getAllByName(a.host().orElseThrow()));
            for (InetAddress r : InetAddress.getAllByName(b.host().orElseThrow())) {
                if (left.contains(r)) {
                    return true;
                }
            }
            return false;
        } catch (UnknownHostException e) {
            return a.host().equals(b.host()); // the bind itself will say what is wrong
        }
    }

    private static boolean wildcard(Bind.Address a) {
        String h = a.host().orElse("*");
        return h.isEmpty() || h.equals("*") || h.equals("0.0.0.0") || h.equals("::");
    }

    /** A backend in both configurations: new settings and servers on its owner, then checks and followers. */
    private void keep(Backend b, Proxy np, ConfigDiff.Servers servers) {
        Backend.Reconfigured r;
        try {
            r = b.reconfigure(np, new HashSet<>(servers.replaced())).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("reload interrupted while backend " + b.name() + " changed", e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("backend " + b.name() + " could not take its new servers", e.getCause());
        }
        p.health().keepBackend(b, p.logs().of(np));
        p.health().recheck(b, servers.rechecked().stream().map(n -> b.server(n).orElseThrow()).toList());
        p.health().removeServers(r.removed());
        p.health().addServers(b, r.added());
        r.added().forEach(s -> LOG.info("Reload: server {}/{} added{}", b.name(), s.name(),
                s.config().check() ? " (DOWN until its checks pass)" : ""));
        removed(b, r.removed());
        if (servers.followersRestart()) {
            p.dcs().remove(b);
            p.cluster().remove(b);
            p.cluster().add(p, b);
            p.dcs().add(p, b);
        }
    }

    /** Servers a reload took away: their sessions end now with on-marked-down shutdown-sessions, else go on. */
    private void removed(Backend b, List<Server> servers) {
        for (Server s : servers) {
            int live = s.sessions();
            if (s.config().shutdownSessionsOnDown() && live > 0) {
                int cut = b.shutdownSessions(s, 'K');
                LOG.info("Reload: server {}/{} removed: {} sessions cut (on-marked-down shutdown-sessions)",
                        b.name(), s.name(), cut);
            } else {
                LOG.info("Reload: server {}/{} removed: {} sessions go on to their end", b.name(), s.name(), live);
            }
        }
        p.retire(servers);
    }

    private Proxy proxy(String name) {
        return next.proxy(name).orElseThrow();
    }

    private Backend backendOf(Proxy frontend) {
        String name = frontend.defaultBackend().orElseThrow();
        Backend b = addedBackends.get(name);
        return b != null ? b : p.backends().get(name);
    }

    /** What the frontend's sessions obey with its backend's new settings. */
    private SessionPolicy policy(Proxy frontend) {
        return SessionPolicy.of(frontend, proxy(frontend.defaultBackend().orElseThrow()), p.transport().socketChannel(),
                AccessLogs.of(frontend, p.logs().of(frontend)));
    }
}
