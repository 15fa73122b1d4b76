package dev.pointsman.cluster;

import dev.pointsman.check.ProbeTimeouts;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.PatroniView;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.net.Scheduler;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster view of one backend: discovery (for {@code patroni-view auto}), then a {@link Poller}
 * on one event loop of the given group, and the {@link SplitBrainDetector} fed with every view it
 * builds and every move of the etcd leader key. The runtime's whole API to this package, with
 * {@link RoutingRules} and {@link ClusterTable}.
 *
 * <p>Threading: every method may be called from any thread; the listener is called on the
 * source's event loop and must not block it. The detector belongs to that loop; its alert counts
 * are published as an immutable {@link SplitBrainAlerts}.
 */
public final class ClusterSource implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("cluster");
    /** The default poll interval's ceiling: min(inter, this). */
    static final Duration MAX_DEFAULT_INTERVAL = Duration.ofSeconds(1);
    static final int STALE_INTERVALS = 3;
    /** The least time a REST request of the view may take, whatever the interval. */
    static final Duration MIN_REQUEST_CAP = Duration.ofMillis(500);
    private static final Executor RESOLVER = resolver();

    private final Proxy backend;
    private final Scheduler scheduler;
    private final HttpClient client;
    private final ClusterListener listener;
    private final ViewBuilder.Context context;
    private final Duration interval;
    private final SplitBrainDetector detector; // on the scheduler's thread
    private volatile ClusterView current;
    private volatile SplitBrainAlerts alerts = SplitBrainAlerts.NONE;
    private volatile String scope;
    private volatile boolean closed;
    private Discovery discovery; // on the scheduler's thread
    private boolean watched; // on the scheduler's thread: the etcd watch of the leader key is established
    private volatile Poller poller;

    private ClusterSource(Proxy backend, Scheduler scheduler, HttpClient client, ClusterListener listener) {
        this.backend = backend;
        this.scheduler = scheduler;
        this.client = client;
        this.listener = Objects.requireNonNull(listener, "listener");
        this.interval = interval(backend);
        PatroniView cfg = backend.patroniView();
        ClusterView.Limits limits = new ClusterView.Limits(interval.toMillis(), interval.toMillis() * STALE_INTERVALS,
                cfg.maxLagBytes().isPresent() ? cfg.maxLagBytes().getAsLong() : null,
                cfg.maxLagTime().map(Duration::toMillis).orElse(null), cfg.lagGrace().toMillis());
        this.context = new ViewBuilder.Context(backend.name(), backend.servers(), limits, null, List.of());
        this.detector = new SplitBrainDetector(backend.name(), server -> {
            try {
                return listener.traffic(server);
            } catch (RuntimeException e) {
                return null; // no count rather than no detection
            }
        });
    }

    /**
     * Starts keeping the view of {@code backend}'s Patroni cluster. Empty when {@code patroni-view
     * off}, or {@code auto} without an {@code option httpchk} on a checked server. With {@code auto}
     * discovery is asynchronous: the listener hears {@link ClusterListener#onDiscovered} and then
     * views; if no Patroni answers, {@link #current()} stays empty.
     *
     * @param group        the event loops; one is used for this source's timer and connections
     * @param channelClass the socket channel class matching the group
     */
    public static Optional<ClusterSource> start(Proxy backend, EventLoopGroup group,
                                                Class<? extends Channel> channelClass, ClusterListener listener) {
        EventLoop loop = group.next();
        HttpClient client = new NettyHttpClient(loop, channelClass, timeouts(backend), RESOLVER);
        return start(backend, Scheduler.on(loop), client, listener);
    }

    static Optional<ClusterSource> start(Proxy backend, Scheduler scheduler, HttpClient client, ClusterListener listener) {
        PatroniView cfg = backend.patroniView();
        switch (cfg.mode()) {
            case OFF -> {
                return Optional.empty();
            }
            case URLS -> {
                ClusterSource s = new ClusterSource(backend, scheduler, client, listener);
                List<HttpClient.Endpoint> urls = cfg.urls().stream()
                        .map(u -> HttpClient.Endpoint.ofUrl(u.toString())).toList();
                scheduler.execute(() -> s.startPolling(urls));
                return Optional.of(s);
            }
            default -> {
                List<ServerConfig> checked = checkedServers(backend);
                if (backend.check().type() != HealthCheck.Type.HTTP || checked.isEmpty()) {
                    return Optional.empty();
                }
                ClusterSource s = new ClusterSource(backend, scheduler, client, listener);
                scheduler.execute(() -> s.discover(checked));
                return Optional.of(s);
            }
        }
    }

    public String backend() {
        return backend.name();
    }

    /** The pool the backend's checks select, for {@link RoutingRules#verdict}. */
    public Pool pool() {
        return Pool.of(backend);
    }

    /** The latest view; empty before the first successful poll (or forever when no Patroni was found). */
    public Optional<ClusterView> current() {
        return Optional.ofNullable(current);
    }

    /** The Patroni scope, once discovered or first seen. */
    public Optional<String> scope() {
        return Optional.ofNullable(scope);
    }

    /** The split-brain alerts so far: counts and the last one. */
    public SplitBrainAlerts alerts() {
        return alerts;
    }

    /**
     * Marks every split-brain alert of this backend seen; completes with how many were not yet
     * (on the source's event loop; exceptionally when it is gone).
     */
    public CompletionStage<Integer> acknowledge() {
        CompletableFuture<Integer> done = new CompletableFuture<>();
        try {
            scheduler.execute(() -> {
                int n = detector.acknowledge();
                alerts = detector.alerts();
                if (n > 0) {
                    LOG.info("backend '{}': {} split-brain alert(s) acknowledged", backend.name(), n);
                }
                done.complete(n);
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            done.completeExceptionally(e);
        }
        return done;
    }

    /**
     * The etcd watch read {@code member} in the leader key (empty: released), for split-brain
     * detection: a reign seen there starts earlier than the next poll would show it.
     */
    public void leaderKey(Optional<String> member) {
        try {
            scheduler.execute(() -> detector.leaderKey(member, scheduler.epochMillis()));
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the event loop is gone, and with it the detector's use
        }
    }

    /**
     * The etcd watch of the leader key ({@code patroni-dcs}) is established, or down: while it is
     * established and nothing changes, the view is polled at {@code patroni-view calm-interval};
     * when it goes down, hurried for a while, then at the interval.
     */
    public void watch(boolean established) {
        try {
            scheduler.execute(() -> {
                watched = established;
                if (poller != null) {
                    poller.watch(established);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the event loop is gone, and with it the poller
        }
    }

    /** The poll interval when not hurried. */
    public Duration interval() {
        return interval;
    }

    /**
     * Polls every 150 ms for {@code window} (capped at 60 s), starting now, then back to
     * {@link #interval()}: after a check changed state, or when the DCS watch saw the leader move.
     */
    public void hurry(Duration window) {
        Poller p = poller;
        if (p != null) {
            p.hurry(window);
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            scheduler.execute(() -> {
                if (discovery != null) {
                    discovery.close();
                }
                if (poller != null) {
                    poller.close();
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the event loop is gone, and with it the timers and connections
        }
    }

    private void discover(List<ServerConfig> checked) {
        if (closed) {
            return;
        }
        discovery = new Discovery(backend.name(), scheduler, client, checked, new Discovery.Outcome() {
            @Override
            public void found(String found, String server) {
                scope = found;
                safely(() -> listener.onDiscovered(found));
                startPolling(checked.stream().map(Discovery::endpoint).distinct().toList());
            }

            @Override
            public void foreign(String server, String other) {
                if (poller != null) {
                    poller.addProblem("server " + server + " answers for scope '" + other + "', not '" + scope + "'");
                }
            }

            @Override
            public void notPatroni(String why) {
                // nothing to keep: current() stays empty
            }
        });
        discovery.start();
    }

    private void startPolling(List<HttpClient.Endpoint> targets) {
        if (closed || targets.isEmpty()) {
            return;
        }
        ViewBuilder.Context ctx = scope == null ? context : new ViewBuilder.Context(context.backend(),
                context.servers(), context.limits(), scope, context.problems());
        poller = new Poller(scheduler, client, ctx, targets, interval, backend.patroniView().calmInterval(),
                backend.patroniView().maxLagTime().isPresent(),
                new Poller.Publisher() {
                    @Override
                    public void publish(ClusterView view, ViewChange change) {
                        ClusterSource.this.publish(view, change);
                    }

                    @Override
                    public void polled(ClusterView view) {
                        judge(view);
                    }
                });
        poller.watch(watched);
        poller.start();
    }

    private void judge(ClusterView view) {
        Optional<SplitBrain> alert;
        try {
            alert = detector.observe(view, scheduler.epochMillis());
        } catch (RuntimeException e) {
            LOG.warn("split-brain detection failed on backend '{}'", backend.name(), e);
            return;
        }
        alert.ifPresent(a -> {
            alerts = detector.alerts();
            LOG.error("backend '{}': ALERT: {}", backend.name(), a.message());
            safely(() -> listener.onSplitBrain(a));
        });
    }

    private void publish(ClusterView view, ViewChange change) {
        current = view;
        if (scope == null) {
            scope = view.scope();
        }
        safely(() -> listener.onView(view, change));
    }

    private void safely(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException e) {
            LOG.warn("cluster listener failed on backend '{}'", backend.name(), e);
        }
    }

    /** {@code patroni-view interval}, else min(the checks' smallest inter, 1 s). */
    static Duration interval(Proxy backend) {
        return backend.patroniView().interval().orElseGet(() -> {
            Duration inter = minInter(backend);
            return inter.compareTo(MAX_DEFAULT_INTERVAL) < 0 ? inter : MAX_DEFAULT_INTERVAL;
        });
    }

    /**
     * The checks' rules (connect min(timeout connect, inter) when timeout check is set; answer
     * timeout check or inter), each part capped at a quarter of the stale limit (3/4 of the
     * interval), but at least {@link #MIN_REQUEST_CAP}. A round asks members one after the other,
     * and a member that accepts and never answers (a frozen leader) must not hold a round past the
     * stale limit: under the reference config's {@code timeout check 5s} its {@code /patroni}
     * alone did, and the view went stale every round while the other members answered. With the
     * cap, a round that meets one hanging {@code /cluster} target and a hanging leader ends within
     * interval + 2 caps (2.5 s of the 3 s limit). Patroni answers these in milliseconds.
     */
    static ProbeTimeouts timeouts(Proxy backend) {
        ProbeTimeouts checks = ProbeTimeouts.of(backend.timeouts(), minInter(backend));
        Duration quarter = interval(backend).multipliedBy(STALE_INTERVALS).dividedBy(4);
        Duration cap = quarter.compareTo(MIN_REQUEST_CAP) > 0 ? quarter : MIN_REQUEST_CAP;
        Duration connect = checks.connect().compareTo(cap) < 0 ? checks.connect() : cap;
        Duration answer = checks.answer().filter(a -> a.compareTo(cap) < 0).orElse(cap);
        return new ProbeTimeouts(connect, java.util.Optional.of(answer), checks.inter());
    }

    private static Duration minInter(Proxy backend) {
        List<ServerConfig> servers = checkedServers(backend).isEmpty() ? backend.servers() : checkedServers(backend);
        return servers.stream().map(ServerConfig::inter).min(Duration::compareTo).orElse(ServerConfig.DEFAULT_INTER);
    }

    private static List<ServerConfig> checkedServers(Proxy backend) {
        return backend.servers().stream().filter(ServerConfig::check).toList();
    }

    private static Executor resolver() {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(0, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(64), r -> {
            Thread t = new Thread(r, "pointsman-cluster-resolver");
            t.setDaemon(true);
            return t;
        });
        return pool;
    }
}
