package dev.pointsman.runtime;

import dev.pointsman.admin.AdminServer;
import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.backend.SessionPolicy;
import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.frontend.ConnectionGate;
import dev.pointsman.frontend.DescriptorBudget;
import dev.pointsman.frontend.Frontend;
import dev.pointsman.log.LogService;
import dev.pointsman.net.Transport;
import dev.pointsman.stats.Stats;
import dev.pointsman.stats.StatsServer;
import java.net.InetSocketAddress;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A running Pointsman: built from a config, started, reloaded in place any number of times, stopped once. */
public final class Pointsman implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");

    /** Replaced by a reload ({@link #reload}); start, stop and reload run one at a time. */
    private volatile Config config;
    private final Transport transport;
    private final EventLoopGroup group;
    /** The start's {@code noreuseport} negated: a reload's new addresses get as many sockets as the others. */
    private final boolean reusePort;
    private final DescriptorBudget descriptors;
    private final ConnectionGate gate;
    private final LiveMap<String, Backend> backends = new LiveMap<>();
    private final List<Frontend> frontends = new CopyOnWriteArrayList<>();
    /** Servers and backends a reload removed while they still had sessions: a hard stop cuts those too. */
    private final List<Server> retired = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> services = new ArrayList<>();
    private HealthWiring health;
    private ClusterWiring cluster;
    private DcsWiring dcs;
    private Stats stats;
    private volatile LogService logs;
    private volatile boolean stopped;

    private Pointsman(Config config, Transport transport) {
        this.config = config;
        Transport.Loops loops = transport.newGroup(config.global().nbthread(), "pointsman", LOG::warn);
        this.transport = loops.transport();
        this.group = loops.group();
        this.reusePort = config.global().reusePort();
        this.descriptors = DescriptorBudget.of(config);
        this.gate = new ConnectionGate(descriptors.maxconn());
    }

    /** Builds and starts everything; on failure everything already started is stopped again. */
    public static Pointsman start(Config config) throws BindFailedException {
        return start(config, Transport.best(LOG::warn));
    }

    public static Pointsman start(Config config, Transport transport) throws BindFailedException {
        Pointsman p = new Pointsman(config, transport);
        try {
            p.build();
            return p;
        } catch (BindFailedException | RuntimeException e) {
            p.close();
            throw e;
        }
    }

    private void build() throws BindFailedException {
        descriptors.enforce(); // strict-limits: refuses a maxconn that RLIMIT_NOFILE cannot carry
        config.notices().forEach(n -> LOG.info("notice: {}", n));
        logs = LogService.start(config);
        for (Proxy p : config.proxies()) {
            if (p.isBackend() && p.mode() == Proxy.Mode.TCP) {
                backends.put(p.name(), new Backend(p, System::nanoTime, group.next()));
            }
        }
        for (Proxy p : config.proxies()) {
            if (p.isFrontend() && p.mode() == Proxy.Mode.TCP) {
                Backend backend = backends.get(p.defaultBackend().orElseThrow());
                SessionPolicy policy = SessionPolicy.of(p, backend.config(), transport.socketChannel(),
                        AccessLogs.of(p, logs.of(p)));
                frontends.add(new Frontend(p, backend, policy, gate));
            }
        }
        health = HealthWiring.start(this);
        services.add(health);
        cluster = ClusterWiring.start(this, health);
        services.add(cluster);
        dcs = DcsWiring.start(this, health, cluster);
        services.add(dcs);
        stats = Services.stats(this, cluster);
        stats.clusters(cluster::views);
        stats.alerts(cluster);
        services.addAll(Services.start(this));
        AdminWiring.start(this, health, cluster).ifPresent(services::add);
        for (Frontend f : frontends) {
            f.bind(transport, group, reusePort);
        }
        config.proxies().forEach(p -> ProxyLines.started(p, logs));
        LOG.info("Proxy started: {} frontends, {} backends, transport {}, {} event-loop threads, maxconn {}",
                frontends.size(), backends.size(), transport.name(), threads(), gate.maxconn());
        // systemd (Type=notify): ready once bound; clients before the first checks wait in the queue
        SdNotify.system().ready(String.format("Proxy started: %d frontends, %d backends, maxconn %d",
                frontends.size(), backends.size(), gate.maxconn()));
    }

    private int threads() {
        int n = config.global().nbthread();
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    public Config config() {
        return config;
    }

    /**
     * Reload in place: applies {@code next} to the running proxy without a pause (see
     * {@link Reload}). Throws, with the running configuration untouched, when a new address cannot
     * be bound or the change cannot be made in place (a stats listener or stats socket added,
     * removed or moved: the message names file:line and says to restart). One at a time; ignored
     * once a stop has begun.
     *
     * @return true when {@code next} was applied, false when a stop had begun and nothing was
     */
    public synchronized boolean reload(Config next) throws BindFailedException {
        if (stopped) {
            return false;
        }
        new Reload(this, next).apply();
        config = next;
        stats.reconfigure(next);
        return true;
    }

    /** Runs {@code r} unless a stop has begun, holding off a stop until it has run; true when it ran. */
    synchronized boolean unlessStopping(Runnable r) {
        if (stopped) {
            return false;
        }
        r.run();
        return true;
    }

    HealthWiring health() {
        return health;
    }

    ClusterWiring cluster() {
        return cluster;
    }

    DcsWiring dcs() {
        return dcs;
    }

    LiveMap<String, Backend> liveBackends() {
        return backends;
    }

    /** A reload removed {@code servers} while they held sessions; a hard stop cuts those too. */
    void retire(List<Server> servers) {
        retired.removeIf(s -> s.sessions() == 0);
        servers.stream().filter(s -> s.sessions() > 0).forEach(retired::add);
    }

    public Transport transport() {
        return transport;
    }

    /** False when the running process started with {@code noreuseport}: one socket per address. */
    boolean reusePort() {
        return reusePort;
    }

    public EventLoopGroup group() {
        return group;
    }

    /** The {@code log} senders. */
    public LogService logs() {
        return logs;
    }

    /** The descriptors the configuration needs against the process's limit, and what that leaves each part. */
    public DescriptorBudget descriptors() {
        return descriptors;
    }

    public ConnectionGate gate() {
        return gate;
    }

    /** The process's descriptor limit (RLIMIT_NOFILE), as the start checked maxconn against it. */
    public long descriptorLimit() {
        return descriptors.limit();
    }

    /** True once a stop has begun. */
    public boolean stopping() {
        return stopped;
    }

    /** The runtime API's listeners, when the configuration has a {@code stats socket}. */
    public Optional<AdminServer> adminServer() {
        return services.stream().filter(AdminServer.class::isInstance).map(AdminServer.class::cast).findFirst();
    }

    public Map<String, Backend> backends() {
        return backends;
    }

    public List<Frontend> frontends() {
        return frontends;
    }

    /** What the stats outputs read. */
    public Stats stats() {
        return stats;
    }

    /** Where the stats page of {@code proxy} listens; empty when it has none. */
    public List<InetSocketAddress> statsAddresses(String proxy) {
        return services.stream().filter(StatsServer.class::isInstance).map(StatsServer.class::cast)
                .filter(s -> s.proxyName().equals(proxy)).flatMap(s -> s.boundAddresses().stream()).toList();
    }

    /** The stats listener of section {@code proxy}, if it has one. */
    Optional<StatsServer> statsServer(String proxy) {
        return services.stream().filter(StatsServer.class::isInstance).map(StatsServer.class::cast)
                .filter(s -> s.proxyName().equals(proxy)).findFirst();
    }

    public Optional<Frontend> frontend(String name) {
        return frontends.stream().filter(f -> f.name().equals(name)).findFirst();
    }

    /**
     * Soft stop: listeners close at once, live sessions may finish until {@code drain} has passed
     * (HAProxy's hard-stop-after; unset = wait for them), then the rest are closed.
     */
    public void stop(Optional<Duration> drain) {
        synchronized (this) { // after a reload under way, before any other
            if (stopped) {
                return;
            }
            stopped = true;
        }
        LOG.info("Proxy stopping: {} sessions active", gate.actconn());
        SdNotify.system().stopping("Proxy stopping: " + gate.actconn() + " sessions active");
        if (logs != null) {
            config.proxies().forEach(p -> ProxyLines.stopping(p, logs));
        }
        frontends.forEach(Frontend::stopAccepting);
        long deadline = drain.map(d -> System.nanoTime() + d.toNanos()).orElse(Long.MAX_VALUE);
        while (gate.actconn() > 0 && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        int cut = 0;
        for (Backend b : backends.values()) {
            for (Server s : b.servers()) {
                cut += b.shutdownSessions(s, 'K');
            }
        }
        for (Server s : retired) {
            cut += s.backend().shutdownSessions(s, 'K');
        }
        if (cut > 0) {
            LOG.info("hard-stop-after reached: {} sessions closed", cut);
        }
        for (Proxy p : logs == null ? List.<Proxy>of() : config.proxies()) {
            ProxyLines.stopped(p, logs, frontend(p.name()), backends,
                    stats == null ? 0 : stats.listenerConnections(p.name()));
        }
        close();
        LOG.info("Proxy stopped.");
    }

    @Override
    public void close() {
        stopped = true;
        frontends.forEach(Frontend::stopAccepting);
        for (AutoCloseable s : services) {
            try {
                s.close();
            } catch (Exception e) {
                LOG.warn("while stopping {}: {}", s, e.toString());
            }
        }
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (logs != null) {
            logs.close();
        }
    }
}
