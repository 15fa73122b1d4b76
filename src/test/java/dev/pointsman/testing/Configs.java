package dev.pointsman.testing;

import dev.pointsman.config.Balance;
import dev.pointsman.config.Bind;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.config.Source;
import dev.pointsman.config.StatsConfig;
import dev.pointsman.config.Timeouts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/** Builders for config records in tests, with HAProxy's defaults. */
public final class Configs {
    private Configs() {}

    public static ServerBuilder server(String name, InetSocketAddress address) {
        return new ServerBuilder(name, address);
    }

    public static ProxyBuilder listen(String name) {
        return new ProxyBuilder(name);
    }

    public static final class ServerBuilder {
        private final String name;
        private final InetSocketAddress address;
        public int maxconn;
        public int maxqueue;
        public int weight = 1;
        public boolean backup;
        public boolean disabled;
        public boolean check;
        public OptionalInt checkPort = OptionalInt.empty();
        public Duration inter = ServerConfig.DEFAULT_INTER;
        public Optional<Duration> fastinter = Optional.empty();
        public Optional<Duration> downinter = Optional.empty();
        public int rise = 2;
        public int fall = 3;
        public boolean shutdownOnDown;
        public boolean shutdownBackupOnUp;
        public Optional<Duration> slowstart = Optional.empty();

        ServerBuilder(String name, InetSocketAddress address) {
            this.name = name;
            this.address = address;
        }

        public ServerBuilder maxconn(int n) {
            maxconn = n;
            return this;
        }

        public ServerBuilder maxqueue(int n) {
            maxqueue = n;
            return this;
        }

        public ServerBuilder weight(int n) {
            weight = n;
            return this;
        }

        public ServerBuilder backup() {
            backup = true;
            return this;
        }

        public ServerBuilder check() {
            check = true;
            return this;
        }

        public ServerBuilder disabled() {
            disabled = true;
            return this;
        }

        public ServerBuilder shutdownSessionsOnDown() {
            shutdownOnDown = true;
            return this;
        }

        public ServerBuilder shutdownBackupSessionsOnUp() {
            shutdownBackupOnUp = true;
            return this;
        }

        ServerConfig build(int id) {
            return new ServerConfig(name, id, new Source("test.cfg", id), address.getHostString(), address.getPort(),
                    address, maxconn, maxqueue, weight, backup, disabled, check, checkPort, Optional.empty(),
                    inter, fastinter, downinter, rise, fall, shutdownOnDown, shutdownBackupOnUp, slowstart);
        }
    }

    public static final class ProxyBuilder {
        private final String name;
        private final List<ServerBuilder> servers = new ArrayList<>();
        private final List<Bind> binds = new ArrayList<>();
        public Balance balance = Balance.DEFAULT;
        public int retries = Proxy.DEFAULT_RETRIES;
        public int redispatch;
        public int maxconn;
        public int backlog;
        public Duration client;
        public Duration server;
        public Duration connect;
        public Duration queue;
        public Duration check;
        public Duration clientFin;
        public Duration serverFin;
        public Duration tunnel;
        public HealthCheck healthCheck = HealthCheck.DEFAULT;

        ProxyBuilder(String name) {
            this.name = name;
        }

        public ProxyBuilder server(ServerBuilder s) {
            servers.add(s);
            return this;
        }

        public ProxyBuilder bind(int port) {
            binds.add(new Bind(Optional.of("127.0.0.1"), port, port, new Source("test.cfg", 1)));
            return this;
        }

        public ProxyBuilder balance(Balance.Algorithm a) {
            balance = new Balance(a, 2);
            return this;
        }

        public ProxyBuilder retries(int n) {
            retries = n;
            return this;
        }

        public ProxyBuilder redispatch(int n) {
            redispatch = n;
            return this;
        }

        public ProxyBuilder maxconn(int n) {
            maxconn = n;
            return this;
        }

        public ProxyBuilder backlog(int n) {
            backlog = n;
            return this;
        }

        public ProxyBuilder timeoutClient(Duration d) {
            client = d;
            return this;
        }

        public ProxyBuilder timeoutServer(Duration d) {
            server = d;
            return this;
        }

        public ProxyBuilder timeoutConnect(Duration d) {
            connect = d;
            return this;
        }

        public ProxyBuilder timeoutQueue(Duration d) {
            queue = d;
            return this;
        }

        public ProxyBuilder timeoutCheck(Duration d) {
            check = d;
            return this;
        }

        public ProxyBuilder healthCheck(HealthCheck hc) {
            healthCheck = hc;
            return this;
        }

        public Proxy build() {
            List<ServerConfig> built = new ArrayList<>();
            for (int i = 0; i < servers.size(); i++) {
                built.add(servers.get(i).build(i + 1));
            }
            Timeouts timeouts = new Timeouts(Optional.ofNullable(client), Optional.ofNullable(server),
                    Optional.ofNullable(connect), Optional.ofNullable(queue), Optional.ofNullable(check),
                    Optional.ofNullable(clientFin), Optional.ofNullable(serverFin), Optional.ofNullable(tunnel));
            return new Proxy(name, new Source("test.cfg", 1), EnumSet.allOf(Proxy.Capability.class), Proxy.Mode.TCP,
                    binds.isEmpty() ? List.of(new Bind(Optional.of("127.0.0.1"), 0, 0, new Source("test.cfg", 1))) : binds,
                    maxconn, backlog, Optional.of(name), balance, retries, redispatch, timeouts, true, false, false, false,
                    List.of(), Optional.empty(), healthCheck, built, StatsConfig.DISABLED,
                    dev.pointsman.config.PatroniView.AUTO, Optional.empty());
        }
    }
}
