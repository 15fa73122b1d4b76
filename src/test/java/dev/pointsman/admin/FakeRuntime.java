package dev.pointsman.admin;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.cluster.ClusterView;
import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.StatsSocket.Level;
import dev.pointsman.config.parse.ConfigException;
import dev.pointsman.config.parse.ConfigParser;
import io.netty.channel.embedded.EmbeddedChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * An {@link AdminContext} over real backends of a parsed configuration, whose owner is an embedded
 * event loop (every routing change runs inline), with a manual clock and settable CSV, process
 * figures and cluster views in place of the running proxy's.
 */
final class FakeRuntime {
    final Config config;
    final Map<String, Backend> backends = new LinkedHashMap<>();
    final List<Server> leftMaintenance = new CopyOnWriteArrayList<>();
    long nanos = TimeUnit.HOURS.toNanos(1);
    String csv = "# pxname,svname,\n";
    ProcessInfo info;
    Map<String, ClusterView> clusters = Map.of();
    private final EmbeddedChannel owner = new EmbeddedChannel();
    private final Interpreter interpreter;

    private FakeRuntime(Config config) {
        this.config = config;
        for (Proxy p : config.proxies()) {
            if (p.isBackend() && p.mode() == Proxy.Mode.TCP) {
                backends.put(p.name(), new Backend(p, () -> nanos, owner.eventLoop()));
            }
        }
        interpreter = new Interpreter(context());
    }

    /** {@code sections} after a {@code defaults} section in TCP mode. */
    static FakeRuntime of(String sections) {
        try {
            return new FakeRuntime(ConfigParser.system().parse("admin-test.cfg", """
                    defaults
                        mode tcp
                        timeout connect 1s
                        timeout client 30s
                        timeout server 30s
                    """ + sections));
        } catch (ConfigException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    AdminContext context() {
        return new AdminContext(() -> config, backends, () -> csv, () -> info, () -> clusters, b -> null,
                leftMaintenance::add, () -> nanos);
    }

    Backend backend(String name) {
        return backends.get(name);
    }

    Server server(String backend, String server) {
        return backends.get(backend).server(server).orElseThrow();
    }

    /** Marks a checked server UP as its checks would. */
    FakeRuntime up(String backend, String server) {
        backends.get(backend).setOpState(server(backend, server), Server.OpState.UP);
        return this;
    }

    void advance(Duration d) {
        nanos += d.toNanos();
    }

    /** The answer to one command (no trailing empty line), as a session of {@code level} gets it. */
    String run(Level level, String command) {
        return run(new CliSession(level, Duration.ofSeconds(10)), command);
    }

    String run(CliSession session, String command) {
        return interpreter.execute(session, command).toCompletableFuture().join();
    }

    String admin(String command) {
        return run(Level.ADMIN, command);
    }

    List<Command> commands() {
        return new ArrayList<>(interpreter.commands());
    }
}
