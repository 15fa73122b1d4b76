package dev.pointsman.config;

import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code listen}, {@code frontend} or {@code backend} section with its {@code defaults} applied.
 *
 * @param capabilities   FRONTEND for sections that accept ({@code listen}, {@code frontend}), BACKEND
 *                       for those that hold servers ({@code listen}, {@code backend})
 * @param maxconn        0 = the global maxconn applies
 * @param backlog        {@code backlog}: the kernel's queue of connections not yet accepted; 0 = the
 *                       effective maxconn, as in HAProxy
 * @param defaultBackend the backend a frontend sends to: {@code default_backend}/{@code use_backend},
 *                       or the proxy itself for a {@code listen} with servers; checked in the second pass
 * @param retries        connection retries after a failed attempt (HAProxy's default 3)
 * @param redispatch     {@code option redispatch [N]}: 0 = off, -1 = on the last retry, N = every Nth
 * @param logs           this proxy's log targets ({@code log global} copies the global ones)
 * @param logTag         {@code log-tag}: the syslog tag of this proxy's lines; empty = the global {@code log-tag}
 * @param patroniView    how the Patroni cluster behind this backend is learnt ({@code patroni-view})
 * @param dcs            an optional watch of Patroni's leader key ({@code patroni-dcs})
 */
public record Proxy(
        String name,
        Source source,
        Set<Capability> capabilities,
        Mode mode,
        List<Bind> binds,
        int maxconn,
        int backlog,
        Optional<String> defaultBackend,
        Balance balance,
        int retries,
        int redispatch,
        Timeouts timeouts,
        boolean tcplog,
        boolean dontlognull,
        boolean clientKeepalive,
        boolean serverKeepalive,
        List<LogTarget> logs,
        Optional<String> logTag,
        HealthCheck check,
        List<ServerConfig> servers,
        StatsConfig stats,
        PatroniView patroniView,
        Optional<DcsWatch> dcs) {

    public static final int DEFAULT_RETRIES = 3;

    public Proxy {
        capabilities = Set.copyOf(capabilities);
        binds = List.copyOf(binds);
        logs = List.copyOf(logs);
        servers = List.copyOf(servers);
    }

    public enum Capability { FRONTEND, BACKEND }

    public enum Mode { TCP, HTTP }

    public boolean isFrontend() {
        return capabilities.contains(Capability.FRONTEND);
    }

    public boolean isBackend() {
        return capabilities.contains(Capability.BACKEND);
    }

    /** True when a stats listener serves this section: {@code mode http}, {@code stats enable} and a {@code bind}. */
    public boolean servesStats() {
        return mode == Mode.HTTP && stats.enabled() && !binds.isEmpty();
    }

    /** The listen backlog of this section's sockets, as HAProxy sizes it: {@code backlog}, else maxconn, else the global maxconn. */
    public int listenBacklog(int globalMaxconn) {
        return backlog > 0 ? backlog : maxconn > 0 ? maxconn : globalMaxconn;
    }

    public Optional<ServerConfig> server(String serverName) {
        return servers.stream().filter(s -> s.name().equals(serverName)).findFirst();
    }
}
