package dev.pointsman.config;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code stats} keywords of a {@code mode http} proxy.
 *
 * @param uri      the page's path prefix; {@code <uri>;csv} and {@code <uri>;json} give CSV and JSON
 * @param refresh  suggested browser refresh
 * @param auth     accounts for HTTP basic auth; empty = no authentication
 * @param showNode {@code stats show-node [NAME]}: empty = not shown, "" = the host name
 */
public record StatsConfig(boolean enabled, String uri, Optional<Duration> refresh, List<Account> auth,
                          String realm, boolean hideVersion, Optional<String> showNode) {

    public static final StatsConfig DISABLED =
            new StatsConfig(false, "/", Optional.empty(), List.of(), "HAProxy Statistics", false, Optional.empty());

    public StatsConfig {
        auth = List.copyOf(auth);
    }

    public record Account(String user, String password) {}
}
