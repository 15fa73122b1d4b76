package dev.pointsman.check;

import dev.pointsman.config.Balance;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.config.Source;
import dev.pointsman.config.StatsConfig;
import dev.pointsman.config.Timeouts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/** Config records built directly, as the parser would fill them. */
final class TestConfigs {
    private TestConfigs() {}

    static ServerConfig server(String name, InetSocketAddress address, Duration inter, int rise, int fall) {
        return server(name, address, inter, Optional.empty(), Optional.empty(), rise, fall, false, true);
    }

    static ServerConfig server(String name, InetSocketAddress address, Duration inter, Optional<Duration> fastinter,
                               Optional<Duration> downinter, int rise, int fall, boolean disabled, boolean check) {
        return new ServerConfig(name, 1, new Source("test.cfg", 1), address.getHostString(), address.getPort(), address,
                0, 0, 1, false, disabled, check, OptionalInt.empty(), Optional.empty(), inter, fastinter, downinter,
                rise, fall, true, false, Optional.empty());
    }

    static Proxy backend(String name, HealthCheck check, Timeouts timeouts, List<ServerConfig> servers) {
        return new Proxy(name, new Source("test.cfg", 1), Set.of(Proxy.Capability.BACKEND), Proxy.Mode.TCP, List.of(),
                0, 0, Optional.empty(), Balance.DEFAULT, Proxy.DEFAULT_RETRIES, 0, timeouts, false, false, false, false,
                List.of(), Optional.empty(), check, servers, StatsConfig.DISABLED, dev.pointsman.config.PatroniView.AUTO,
                Optional.empty());
    }

    static HealthCheck httpchk(String method, String uri, String version) {
        return http(new HealthCheck.HttpCheck(method, uri, version, List.of(), Optional.empty(), Optional.empty()));
    }

    static HealthCheck http(HealthCheck.HttpCheck http) {
        return new HealthCheck(HealthCheck.Type.HTTP, http, Optional.empty(), Optional.empty(),
                HealthCheck.PatroniRules.DEFAULT);
    }

    static HealthCheck http(HealthCheck.HttpCheck http, HealthCheck.PatroniRules rules) {
        return new HealthCheck(HealthCheck.Type.HTTP, http, Optional.empty(), Optional.empty(), rules);
    }

    static Timeouts timeouts(Duration connect, Duration check) {
        return new Timeouts(Optional.empty(), Optional.empty(), Optional.ofNullable(connect), Optional.empty(),
                Optional.ofNullable(check), Optional.empty(), Optional.empty(), Optional.empty());
    }
}
