package dev.pointsman.cluster;

import dev.pointsman.config.Balance;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.PatroniView;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.config.Source;
import dev.pointsman.config.StatsConfig;
import dev.pointsman.config.Timeouts;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.OptionalLong;
import java.util.Set;

/** Config records and Patroni JSON in the shapes of Patroni 3.0 and 4.x. */
final class Fixtures {
    static final Duration INTER = Duration.ofMillis(500);

    private Fixtures() {}

    static ServerConfig server(String name, String host, int port, int checkPort) {
        InetSocketAddress address = new InetSocketAddress(host, port);
        return new ServerConfig(name, 1, new Source("test.cfg", 1), host, port, address, 0, 0, 1, false, false, true,
                OptionalInt.of(checkPort), Optional.empty(), INTER, Optional.empty(), Optional.empty(), 2, 3, true, false,
                Optional.empty());
    }

    static Proxy backend(String uri, PatroniView view, List<ServerConfig> servers) {
        HealthCheck check = new HealthCheck(HealthCheck.Type.HTTP, new HealthCheck.HttpCheck("OPTIONS", uri, "HTTP/1.0",
                List.of(), Optional.empty(), Optional.empty()), Optional.empty(), Optional.empty(),
                HealthCheck.PatroniRules.DEFAULT);
        Timeouts timeouts = new Timeouts(Optional.empty(), Optional.empty(), Optional.of(Duration.ofMillis(300)),
                Optional.empty(), Optional.of(Duration.ofMillis(300)), Optional.empty(), Optional.empty(), Optional.empty());
        return new Proxy("primary", new Source("test.cfg", 1), Set.of(Proxy.Capability.BACKEND), Proxy.Mode.TCP,
                List.of(), 0, 0, Optional.empty(), Balance.DEFAULT, Proxy.DEFAULT_RETRIES, 0, timeouts, false, false, false,
                false, List.of(), Optional.empty(), check, servers, StatsConfig.DISABLED, view, Optional.empty());
    }

    static PatroniView view(Duration interval, Long maxLagBytes, Duration maxLagTime, Duration grace) {
        return new PatroniView(PatroniView.Mode.AUTO, List.of(), Optional.ofNullable(interval),
                maxLagBytes == null ? OptionalLong.empty() : OptionalLong.of(maxLagBytes), Optional.ofNullable(maxLagTime),
                grace, PatroniView.CALM_INTERVAL);
    }

    static PatroniView urls(String... urls) {
        return new PatroniView(PatroniView.Mode.URLS, java.util.Arrays.stream(urls).map(java.net.URI::create).toList(),
                Optional.of(Duration.ofMillis(200)), OptionalLong.empty(), Optional.empty(), Duration.ofSeconds(10),
                PatroniView.CALM_INTERVAL);
    }

    /** One /cluster member; {@code lag} is a JSON value: a number, {@code "\"unknown\""}, or null to leave it out. */
    static String member(String name, String role, String state, String host, int port, int apiPort, long timeline,
                         String lag) {
        return "{\"name\": \"" + name + "\", \"role\": \"" + role + "\", \"state\": \"" + state + "\", \"api_url\": \"http://"
                + host + ":" + apiPort + "/patroni\", \"host\": \"" + host + "\", \"port\": " + port + ", \"timeline\": "
                + timeline + (lag == null ? "" : ", \"lag\": " + lag) + "}";
    }

    /** {@code GET /cluster}: Patroni 3.0 has no scope; pass one for the 4.x shape. */
    static String cluster(String scope, String... members) {
        return "{" + (scope == null ? "" : "\"scope\": \"" + scope + "\", ") + "\"members\": [" + String.join(", ", members)
                + "]}";
    }

    /** {@code GET /patroni} of a 3.0 primary ({@code role master}) or 4.x ({@code role primary}). */
    static String patroni(String role, String state, String scope, long timeline, long location) {
        String xlog = role.equals("master") || role.equals("primary") ? "{\"location\": " + location + "}"
                : "{\"received_location\": " + location + ", \"replayed_location\": " + location
                + ", \"replayed_timestamp\": null, \"paused\": false}";
        return "{\"state\": \"" + state + "\", \"postmaster_start_time\": \"2026-11-26 22:26:07.271117+00:00\", \"role\": \""
                + role + "\", \"server_version\": 150018, \"xlog\": " + xlog + ", \"timeline\": " + timeline
                + ", \"dcs_last_seen\": 1795732091, \"database_system_identifier\": \"7712607223093953987\","
                + " \"patroni\": {\"version\": \"3.0.2\", \"scope\": \"" + scope + "\"}}";
    }

    static String history() {
        return "[[1, 67417112, \"no recovery target specified\", \"2026-11-26T22:18:58.271856+00:00\", \"pg-3\"],"
                + " [2, 67607688, \"no recovery target specified\", \"2026-11-26T22:24:10.631854+00:00\", \"pg-1\"]]";
    }

    /** {@code GET /history} of a leader on timeline {@code current}: its last two lines, as Patroni 3.0.2 writes them. */
    static String history(long current) {
        return "[[" + (current - 2) + ", 67417112, \"no recovery target specified\", \"2026-11-26T22:18:58.271856+00:00\","
                + " \"pg-3\"], [" + (current - 1) + ", 67607688, \"no recovery target specified\","
                + " \"2026-11-26T22:24:10.631854+00:00\", \"pg-1\"]]";
    }

    static List<ServerConfig> threeServers(int... apiPorts) {
        List<ServerConfig> list = new ArrayList<>();
        for (int i = 0; i < apiPorts.length; i++) {
            list.add(server("pg-" + (i + 1), "127.0.0.1", 15432 + i, apiPorts[i]));
        }
        return list;
    }
}
