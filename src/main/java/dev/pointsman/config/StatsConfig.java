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
 * @param admin    who may use the page's one action, acknowledging alerts ({@code stats admin if ...})
 */
public record StatsConfig(boolean enabled, String uri, Optional<Duration> refresh, List<Account> auth,
                          String realm, boolean hideVersion, Optional<String> showNode, Admin admin) {

    public static final StatsConfig DISABLED = new StatsConfig(false, "/", Optional.empty(), List.of(),
            "HAProxy Statistics", false, Optional.empty(), Admin.NOBODY);

    /**
     * {@code stats admin if <cond>}, for the two conditions Pointsman understands: HAProxy's
     * predefined ACLs {@code TRUE} and {@code LOCALHOST} (the client connects from a loopback
     * address: 127.0.0.0/8 or ::1).
     */
    public enum Admin {
        /** No {@code stats admin}, or one with a condition Pointsman does not evaluate. */
        NOBODY,
        /** {@code stats admin if TRUE}. */
        ANYONE,
        /** {@code stats admin if LOCALHOST}. */
        LOCALHOST;

        /** Whether a client (already authenticated by {@code stats auth}) from a loopback address or not may act. */
        public boolean allows(boolean loopbackClient) {
            return this == ANYONE || this == LOCALHOST && loopbackClient;
        }
    }

    public StatsConfig {
        auth = List.copyOf(auth);
    }

    public record Account(String user, String password) {}
}
