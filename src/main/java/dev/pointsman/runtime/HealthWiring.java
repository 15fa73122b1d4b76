package dev.pointsman.runtime;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.check.CheckEnvironment;
import dev.pointsman.check.CheckReport;
import dev.pointsman.check.HealthChecker;
import dev.pointsman.check.HealthListener;
import dev.pointsman.check.HealthLog;
import dev.pointsman.check.OperationalState;
import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.log.ProxyLog;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connects health checks to backend state (flow 2): every report is recorded on its server for
 * stats; a state change updates the backend's snapshot, cuts sessions where configured, logs the
 * change in HAProxy's wording, and hurries the checks of the other servers of that backend —
 * in a switchover one node's change announces the other's.
 */
final class HealthWiring implements HealthListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("health");
    /** How long siblings are checked at fastinter after a change: a Patroni switchover settles well within it. */
    static final Duration REACTION_WINDOW = Duration.ofSeconds(15);

    private final Map<String, Backend> backends;
    private final CheckEnvironment env;
    private final Map<String, List<HealthChecker>> checkers = new HashMap<>();
    private final Map<String, ProxyLog> logs = new HashMap<>();

    private HealthWiring(Map<String, Backend> backends, CheckEnvironment env) {
        this.backends = backends;
        this.env = env;
    }

    static HealthWiring start(Pointsman p) {
        HealthWiring wiring = new HealthWiring(p.backends(),
                CheckEnvironment.create(p.group(), p.transport().socketChannel()));
        p.backends().values().forEach(b -> wiring.logs.put(b.name(), p.logs().of(b.config().logs())));
        for (Backend b : p.backends().values()) {
            List<Server> checked = b.servers().stream()
                    .filter(s -> s.config().check() && !s.config().disabled()).toList();
            List<HealthChecker> list = new ArrayList<>();
            for (int i = 0; i < checked.size(); i++) {
                HealthChecker.forServer(b.config(), checked.get(i).config(), i, checked.size(), wiring.env, wiring)
                        .ifPresent(list::add);
            }
            wiring.checkers.put(b.name(), list);
        }
        wiring.checkers.values().forEach(l -> l.forEach(HealthChecker::start));
        return wiring;
    }

    @Override
    public void onCheck(CheckReport report) {
        Backend backend = backends.get(report.backend());
        Server server = backend.server(report.server()).orElseThrow();
        server.recordCheck(report);
        if (!report.changed()) {
            return;
        }
        boolean up = report.current() == OperationalState.UP;
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
        String line = HealthLog.stateChange(report, new HealthLog.ServerCounts(backend.activeUsable(),
                backend.backupUsable(), server.sessions() + cut, 0, backend.queued()));
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
                LOG.error("backend '{}' has no server available!", backend.name());
                if (log != null) {
                    log.log(Level.EMERG, ProxyLines.kind(backend.config()) + " " + backend.name()
                            + " has no server available!");
                }
            }
        }
        for (HealthChecker sibling : checkers.getOrDefault(backend.name(), List.of())) {
            if (!sibling.server().equals(server.name())) {
                sibling.hurry(REACTION_WINDOW);
            }
        }
    }

    @Override
    public void close() {
        checkers.values().forEach(l -> l.forEach(HealthChecker::close));
        env.close();
    }
}
