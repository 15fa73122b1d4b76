package dev.pointsman.config.parse;

import dev.pointsman.config.Bind;
import dev.pointsman.config.Config;
import dev.pointsman.config.Global;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.config.Source;
import dev.pointsman.config.Timeouts;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The second pass, run only when the first found no error: names, routes and modes checked
 * across proxies, conflicting binds found, then server hosts resolved (see {@link Resolution}).
 */
final class Linker {
    private final Reader reader;
    private final Report report;
    private final Resolution resolution;
    private final Set<Source> reported = new HashSet<>();

    Linker(Reader reader, Report report, Resolver resolver) {
        this.reader = reader;
        this.report = report;
        this.resolution = new Resolution(resolver, report);
    }

    Config link() {
        Global global = reader.global.build();
        Map<String, ProxyBuilder> byName = names();
        List<Proxy> proxies = new ArrayList<>();
        for (ProxyBuilder p : reader.proxies) {
            Optional<String> target = route(p, byName);
            modes(p);
            checks(p);
            listeners(p);
            proxies.add(build(p, target, global));
        }
        bindConflicts();
        return new Config(global, proxies, report.notices());
    }

    private Map<String, ProxyBuilder> names() {
        Map<String, ProxyBuilder> byName = new LinkedHashMap<>();
        for (ProxyBuilder p : reader.proxies) {
            ProxyBuilder first = byName.putIfAbsent(p.name, p);
            if (first != null) {
                report.error(p.source, p.section.keyword(), p.describe() + " has the same name as " + first.describe()
                        + " declared at " + first.source + " (proxy names must be unique)");
            }
        }
        return byName;
    }

    /** Where a frontend sends its connections; a listen with servers and no backend sends to itself. */
    private Optional<String> route(ProxyBuilder p, Map<String, ProxyBuilder> byName) {
        if (!p.isFrontend()) {
            return Optional.empty();
        }
        String target;
        Source source;
        String keyword;
        if (p.useBackend != null) {
            target = p.useBackend;
            source = p.useBackendSource;
            keyword = "use_backend";
            if (p.defaultBackend != null) {
                report.notice(p.defaultBackendSource, "'default_backend " + p.defaultBackend + "' of " + p.describe()
                        + " is never used: the unconditional 'use_backend " + target + "' always matches first");
            }
        } else if (p.defaultBackend != null) {
            target = p.defaultBackend;
            source = p.defaultBackendSource;
            keyword = "default_backend";
        } else if (p.section == Section.LISTEN && !p.servers.isEmpty()) {
            return Optional.of(p.name);
        } else {
            if (!p.stats.enabled) {
                report.error(p.source, p.section.keyword(), p.describe() + " has no 'default_backend' or 'use_backend'"
                        + (p.section == Section.LISTEN ? " and no server" : "")
                        + ": Pointsman has no other way to route its connections");
            }
            return Optional.empty();
        }
        ProxyBuilder backend = byName.get(target);
        if (backend == null) {
            List<String> backends = reader.proxies.stream().filter(ProxyBuilder::isBackend).map(b -> b.name).toList();
            report.error(source, keyword, "'" + keyword + "': no backend named '" + target + "'"
                    + Suggest.didYouMean(target, backends) + " (known backends: "
                    + (backends.isEmpty() ? "none" : String.join(", ", backends)) + ")");
        } else if (!backend.isBackend()) {
            report.error(source, keyword, "'" + keyword + "': '" + target + "' is a frontend, not a backend");
        } else if (backend.mode != p.mode) {
            report.error(source, keyword, "'" + keyword + "': " + p.describe() + " is mode " + mode(p) + " but "
                    + backend.describe() + " is mode " + mode(backend) + " (both must use the same mode)");
        }
        return Optional.of(target);
    }

    /** Pointsman relays TCP; {@code mode http} exists only for the stats page. */
    private void modes(ProxyBuilder p) {
        if (p.mode == Proxy.Mode.HTTP && !p.servers.isEmpty()) {
            report.error(p.modeSource, "mode", "'mode http' in " + p.describe() + ": Pointsman proxies TCP only;"
                    + " 'mode http' is allowed only in a proxy that serves the stats page, and this one has servers");
        } else if (p.mode == Proxy.Mode.HTTP && !p.stats.enabled && !p.isFrontend()) {
            report.error(p.modeSource, "mode", "'mode http' in " + p.describe() + ": Pointsman proxies TCP only;"
                    + " 'mode http' is allowed only in a proxy that serves the stats page ('stats enable')");
        }
        if (p.stats.enabled && p.mode != Proxy.Mode.HTTP) {
            report.error(p.stats.source, "stats", "'stats' in " + p.describe()
                    + " needs 'mode http' (the stats page is served over HTTP)");
        }
    }

    private void checks(ProxyBuilder p) {
        if (!p.isBackend()) {
            return;
        }
        CheckBuilder c = p.check;
        if (c.rulesSource != null && c.type != HealthCheck.Type.HTTP && reported.add(c.rulesSource)) {
            report.error(c.rulesSource, "http-check", "'http-check' rules in " + p.describe()
                    + " need 'option httpchk' (HAProxy would ignore them; Pointsman refuses)");
        }
        if (c.typeHere && c.type != HealthCheck.Type.TCP && !p.servers.isEmpty()
                && p.servers.stream().noneMatch(s -> s.check)) {
            report.notice(c.typeSource, "the health check of " + p.describe() + " has no effect: no server has 'check'");
        }
    }

    private void listeners(ProxyBuilder p) {
        if (p.section == Section.FRONTEND && p.binds.isEmpty()) {
            report.error(p.source, "frontend", p.describe()
                    + " has no 'bind': it would accept no connection (declare it as a backend if that was intended)");
        } else if (p.section == Section.LISTEN && p.binds.isEmpty()) {
            report.notice(p.source, p.describe() + " has no 'bind': it accepts no connection and serves only as a backend");
        }
        boolean missingClient = p.isFrontend() && !p.timeouts.containsKey("client");
        boolean missingServer = p.isBackend() && !p.servers.isEmpty()
                && (!p.timeouts.containsKey("connect") || !p.timeouts.containsKey("server"));
        if (p.mode == Proxy.Mode.TCP && (missingClient || missingServer)) {
            report.notice(p.source, "missing timeouts for " + p.describe()
                    + " ('timeout client', 'timeout connect', 'timeout server'): idle connections may stay open forever");
        }
    }

    private void bindConflicts() {
        List<ProxyBuilder> owners = new ArrayList<>();
        List<Bind> binds = new ArrayList<>();
        for (ProxyBuilder p : reader.proxies) {
            for (Bind b : p.binds) {
                for (int i = 0; i < binds.size(); i++) {
                    if (overlap(binds.get(i), b)) {
                        report.error(b.source(), "bind", "'bind " + b + "' of " + p.describe() + " conflicts with 'bind "
                                + binds.get(i) + "' of " + owners.get(i).describe() + " at " + binds.get(i).source());
                        break;
                    }
                }
                owners.add(p);
                binds.add(b);
            }
        }
    }

    private static boolean overlap(Bind a, Bind b) {
        boolean ports = a.firstPort() <= b.lastPort() && b.firstPort() <= a.lastPort();
        boolean hosts = a.host().isEmpty() || b.host().isEmpty() || isAny(a.host().get()) || isAny(b.host().get())
                || a.host().get().equalsIgnoreCase(b.host().get());
        return ports && hosts;
    }

    private static boolean isAny(String host) {
        return host.equals("0.0.0.0") || host.equals("::");
    }

    private Proxy build(ProxyBuilder p, Optional<String> target, Global global) {
        EnumSet<Proxy.Capability> caps = EnumSet.noneOf(Proxy.Capability.class);
        if (p.isFrontend()) {
            caps.add(Proxy.Capability.FRONTEND);
        }
        if (p.isBackend()) {
            caps.add(Proxy.Capability.BACKEND);
        }
        List<ServerConfig> servers = new ArrayList<>();
        for (ServerBuilder s : p.servers) {
            servers.add(s.build(servers.size() + 1, resolution.address(s), resolution.checkAddr(s)));
        }
        return new Proxy(p.name, p.source, caps, p.mode, p.binds, p.maxconn, p.backlog, target, p.balance, p.retries,
                p.redispatch, timeouts(p), p.tcplog, p.dontlognull, p.clientKeepalive, p.serverKeepalive,
                logs(p, global), Optional.ofNullable(p.logTag), p.check.build(), servers, p.stats.build(),
                p.patroniView, p.dcs);
    }

    private static Timeouts timeouts(ProxyBuilder p) {
        return new Timeouts(t(p, "client"), t(p, "server"), t(p, "connect"), t(p, "queue"), t(p, "check"),
                t(p, "client-fin"), t(p, "server-fin"), t(p, "tunnel"), t(p, "http-request"));
    }

    /** Zero is HAProxy's "no timeout": recorded as not set. */
    private static Optional<Duration> t(ProxyBuilder p, String kind) {
        return Optional.ofNullable(p.timeouts.get(kind)).filter(d -> !d.isZero());
    }

    private static List<LogTarget> logs(ProxyBuilder p, Global global) {
        List<LogTarget> logs = new ArrayList<>();
        for (ProxyBuilder.LogEntry e : p.logs) {
            e.target().ifPresentOrElse(logs::add, () -> logs.addAll(global.logs()));
        }
        return logs;
    }

    private static String mode(ProxyBuilder p) {
        return p.mode.name().toLowerCase(java.util.Locale.ROOT);
    }
}
