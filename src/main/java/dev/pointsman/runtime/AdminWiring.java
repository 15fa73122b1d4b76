package dev.pointsman.runtime;

import dev.pointsman.Version;
import dev.pointsman.admin.AdminContext;
import dev.pointsman.admin.AdminServer;
import dev.pointsman.admin.ProcessInfo;
import dev.pointsman.admin.ServerControl;
import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.config.Global;
import dev.pointsman.config.Proxy;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.frontend.Frontend;
import dev.pointsman.stats.PageActions;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Starts the runtime API ({@code stats socket}), gives the stats pages its path for their server
 * actions ({@link ServerControl}), and hands it what it reads: the backends, the
 * stats CSV, the cluster views, each backend's log, and the process figures of {@code show info};
 * a server leaving maintenance is checked at once ({@link HealthWiring#leftMaintenance}).
 */
final class AdminWiring {
    private AdminWiring() {}

    /**
     * Hands the stats pages the runtime API's path for their server actions, and starts the runtime
     * API's listeners: empty when the configuration has no {@code stats socket}.
     */
    static Optional<AdminServer> start(Pointsman p, HealthWiring health, ClusterWiring cluster) throws BindFailedException {
        Global g = p.config().global();
        long startNanos = System.nanoTime();
        long startEpochSeconds = System.currentTimeMillis() / 1000;
        String node = hostName();
        AdminServer[] self = new AdminServer[1];
        AdminContext context = new AdminContext(p::config, p.backends(), () -> p.stats().csv(),
                () -> info(p, health, self[0], node, startNanos, startEpochSeconds), cluster::views,
                (Backend b) -> p.logs().of(b.config()), health::leftMaintenance, System::nanoTime);
        p.stats().actions(pageActions(new ServerControl(context)));
        if (g.statsSockets().isEmpty()) {
            return Optional.empty();
        }
        self[0] = AdminServer.start(g.statsSockets(), g.statsTimeout(), g.statsMaxconn(), context,
                p.transport().linux());
        return Optional.of(self[0]);
    }

    /**
     * The stats page's server actions on the runtime API's path: {@code ready}, {@code drain} and
     * {@code maint} are {@code set server B/S state ...}, {@code shutdown} is {@code shutdown sessions
     * server B/S}; each counts as altered once in force, as on HAProxy's page.
     */
    static PageActions pageActions(ServerControl control) {
        return new PageActions() {
            @Override
            public boolean isBackend(String nameOrId) {
                return control.isBackend(nameOrId);
            }

            @Override
            public CompletionStage<Boolean> apply(String backend, String server, Action action) {
                Optional<Backend> b = control.backend(backend);
                Optional<Server> s = b.flatMap(x -> x.server(server)); // by name only, as HAProxy's page
                if (s.isEmpty()) {
                    return CompletableFuture.completedFuture(false);
                }
                return switch (action) {
                    case READY -> control.setState(b.get(), s.get(), Server.AdminState.READY).thenApply(c -> true);
                    case DRAIN -> control.setState(b.get(), s.get(), Server.AdminState.DRAIN).thenApply(c -> true);
                    case MAINT -> control.setState(b.get(), s.get(), Server.AdminState.MAINT).thenApply(c -> true);
                    case SHUTDOWN -> {
                        control.shutdownSessions(b.get(), s.get());
                        yield CompletableFuture.completedFuture(true);
                    }
                };
            }
        };
    }

    private static ProcessInfo info(Pointsman p, HealthWiring health, AdminServer admin, String node, long startNanos,
                                    long startEpochSeconds) {
        long now = System.nanoTime();
        long cumConns = 0;
        long rate = 0;
        long bytes = 0;
        int listeners = admin == null ? 0 : admin.listenerCount();
        for (Frontend f : p.frontends()) {
            cumConns += f.total.sum();
            rate += f.rate.rate(now);
            bytes += f.bytesIn.sum() + f.bytesOut.sum();
            listeners += f.boundAddresses().size();
        }
        for (Proxy px : p.config().proxies()) {
            cumConns += p.stats().listenerConnections(px.name());
            listeners += p.statsAddresses(px.name()).size();
        }
        int adminConns = admin == null ? 0 : admin.connections();
        cumConns += admin == null ? 0 : admin.accepted();
        int runQueue = 0;
        for (EventExecutor e : p.group()) {
            if (e instanceof SingleThreadEventExecutor loop) {
                runQueue += loop.pendingTasks();
            }
        }
        int actconn = p.gate().actconn();
        return new ProcessInfo("Pointsman", Version.current(), Version.buildDate(), threads(p), ProcessHandle.current().pid(),
                startEpochSeconds, TimeUnit.NANOSECONDS.toSeconds(now - startNanos), p.descriptorLimit(), p.gate().maxconn(),
                actconn, cumConns, rate, actconn + health.checkers(), runQueue, node, p.stopping(),
                listeners + actconn + adminConns, listeners, p.logs().dropped(), bytes);
    }

    private static int threads(Pointsman p) {
        int n = p.config().global().nbthread();
        return n > 0 ? n : Runtime.getRuntime().availableProcessors();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (UnknownHostException e) {
            return "localhost";
        }
    }
}
