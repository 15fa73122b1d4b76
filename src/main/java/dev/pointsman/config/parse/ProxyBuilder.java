package dev.pointsman.config.parse;

import dev.pointsman.config.Balance;
import dev.pointsman.config.Bind;
import dev.pointsman.config.DcsWatch;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.PatroniView;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.Source;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A {@code defaults}, {@code listen}, {@code frontend} or {@code backend} section being read. A
 * proxy starts as {@link #inherit a copy} of the defaults in force, then its own keywords apply.
 */
final class ProxyBuilder {
    /** A {@code log} line: a target, or {@code log global} (empty) expanded by the linker. */
    record LogEntry(Optional<LogTarget> target, Source source) {}

    final Section section;
    final String name;
    final Source source;

    Proxy.Mode mode = Proxy.Mode.TCP;
    Source modeSource = Source.BUILTIN;
    final List<Bind> binds = new ArrayList<>();
    int maxconn;
    int backlog;
    String defaultBackend;
    Source defaultBackendSource;
    String useBackend;
    Source useBackendSource;
    Balance balance = Balance.DEFAULT;
    int retries = Proxy.DEFAULT_RETRIES;
    int redispatch;
    /** By {@code timeout} keyword ("client", "connect", ...); zero = explicitly infinite. */
    final Map<String, Duration> timeouts = new LinkedHashMap<>();
    boolean tcplog;
    boolean dontlognull;
    boolean clientKeepalive;
    boolean serverKeepalive;
    final List<LogEntry> logs = new ArrayList<>();
    String logTag;
    CheckBuilder check = new CheckBuilder();
    ServerBuilder defaultServer = new ServerBuilder();
    final List<ServerBuilder> servers = new ArrayList<>();
    StatsBuilder stats = new StatsBuilder();
    PatroniView patroniView = PatroniView.AUTO;
    Optional<DcsWatch> dcs = Optional.empty();

    ProxyBuilder(Section section, String name, Source source) {
        this.section = section;
        this.name = name;
        this.source = source;
    }

    /** A new section starting from this one as its defaults. Binds, servers and use_backend are never inherited. */
    ProxyBuilder inherit(Section newSection, String newName, Source newSource) {
        ProxyBuilder p = new ProxyBuilder(newSection, newName, newSource);
        p.mode = mode;
        p.modeSource = modeSource;
        p.maxconn = maxconn;
        p.backlog = backlog;
        p.defaultBackend = defaultBackend;
        p.defaultBackendSource = defaultBackendSource;
        p.balance = balance;
        p.retries = retries;
        p.redispatch = redispatch;
        p.timeouts.putAll(timeouts);
        p.tcplog = tcplog;
        p.dontlognull = dontlognull;
        p.clientKeepalive = clientKeepalive;
        p.serverKeepalive = serverKeepalive;
        p.logs.addAll(logs);
        p.logTag = logTag;
        p.check = check.copy();
        p.defaultServer = defaultServer.copy();
        p.stats = stats.copy();
        p.patroniView = patroniView;
        p.dcs = dcs;
        return p;
    }

    boolean isFrontend() {
        return section == Section.FRONTEND || section == Section.LISTEN;
    }

    boolean isBackend() {
        return section == Section.BACKEND || section == Section.LISTEN;
    }

    /** "listen 'primary'", for messages. */
    String describe() {
        return section.keyword() + " '" + name + "'";
    }
}
