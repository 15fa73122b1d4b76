package dev.pointsman.admin;

import dev.pointsman.backend.AdminChange;
import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.log.BackendLines;
import dev.pointsman.log.ProxyLog;
import io.netty.util.concurrent.Future;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one path by which a server's administrative state changes and its sessions are cut on an
 * operator's request: the runtime API's {@code set server ... state}, {@code disable}/{@code enable
 * server} and {@code shutdown sessions server} ({@link ServerCommands}) and, through the runtime,
 * the stats page's server actions. Finds backends and servers as HAProxy's CLI does ({@code #<id>}
 * for either is its number), changes the state on the backend's owner, logs it there in HAProxy's
 * words and hands a server leaving maintenance to its checks. Holds no state of its own.
 */
public final class ServerControl {
    private static final Logger LOG = LoggerFactory.getLogger("admin");

    private final AdminContext context;

    public ServerControl(AdminContext context) {
        this.context = context;
    }

    /** A running backend by its name, or {@code #} and its number (the CSV's {@code iid}). */
    public Optional<Backend> backend(String nameOrId) {
        Backend b = context.backends().get(nameOrId);
        if (b != null || !nameOrId.startsWith("#")) {
            return Optional.ofNullable(b);
        }
        return context.backends().values().stream().filter(x -> ("#" + context.proxyId(x.name())).equals(nameOrId))
                .findFirst();
    }

    /**
     * Whether the configuration has a backend section of that name or number, running or not (a
     * stats listener is one in HAProxy's sense, without servers Pointsman runs).
     */
    public boolean isBackend(String nameOrId) {
        var proxies = context.config().proxies();
        for (int i = 0; i < proxies.size(); i++) {
            if (proxies.get(i).isBackend() && (proxies.get(i).name().equals(nameOrId) || nameOrId.equals("#" + (i + 1)))) {
                return true;
            }
        }
        return false;
    }

    /** A server of {@code backend} by its name, or {@code #} and its id. */
    public static Optional<Server> server(Backend backend, String nameOrId) {
        for (Server s : backend.servers()) {
            if (s.name().equals(nameOrId) || nameOrId.equals("#" + s.config().id())) {
                return Optional.of(s);
            }
        }
        return Optional.empty();
    }

    /**
     * Sets the server's administrative state on the backend's owner and logs it there, in order with
     * the backend's other state lines; a checked server leaving maintenance is checked at once. The
     * stage completes once the change is in force (failed when the proxy is stopping).
     */
    public CompletionStage<AdminChange> setState(Backend backend, Server server, Server.AdminState state) {
        return onOwner(backend.changeAdminState(server, state), change -> {
            logged(backend, change);
            if (change.changed() && change.before() == Server.AdminState.MAINT && server.config().check()) {
                context.leftMaintenance().accept(server);
            }
            return change;
        });
    }

    /** Cuts every session on the server (termination {@code K}); how many were cut. */
    public int shutdownSessions(Backend backend, Server server) {
        return backend.shutdownSessions(server, 'K');
    }

    /** Logs a change as HAProxy does: its state lines, and "no server available" when it was the last one. */
    private void logged(Backend backend, AdminChange change) {
        ProxyLog proxyLog = context.logs().apply(backend);
        for (AdminLog.Line line : AdminLog.lines(backend.name(), change.server().config().backup(), change)) {
            LOG.warn(line.text());
            if (proxyLog != null) {
                proxyLog.log(line.level(), line.text());
            }
        }
        if (change.lostLast()) {
            BackendLines.noServerAvailable(LOG, proxyLog, backend.config());
        }
    }

    /**
     * What {@code then} makes of a routing change on the backend's owner once it is in force (a Netty
     * future's listeners run on its executor); a change refused because the proxy is stopping fails
     * the stage.
     */
    static <T, R> CompletionStage<R> onOwner(Future<T> change, Function<T, R> then) {
        CompletableFuture<R> out = new CompletableFuture<>();
        if (change.isDone() && !change.isSuccess()) {
            out.completeExceptionally(change.cause()); // its executor may be gone: no listener would run
            return out;
        }
        change.addListener(done -> {
            if (!done.isSuccess()) {
                out.completeExceptionally(done.cause());
                return;
            }
            try {
                out.complete(then.apply(change.getNow()));
            } catch (RuntimeException e) {
                out.completeExceptionally(e);
            }
        });
        return out;
    }
}
