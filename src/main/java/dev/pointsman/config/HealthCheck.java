package dev.pointsman.config;

import java.util.List;
import java.util.Optional;

/**
 * How a backend's servers are checked: the probe type and its parameters, shared by every
 * {@code server ... check} of the proxy.
 *
 * @param type        tcp connect (default), {@code option httpchk}, {@code option pgsql-check},
 *                    or Pointsman's {@code option pgsql-role-check}
 * @param http        the request and expectation for {@link Type#HTTP}
 * @param pgsqlUser   user for {@code option pgsql-check user NAME}
 * @param roleCheck   parameters for {@code option pgsql-role-check}
 * @param patroni     Pointsman's Patroni rules, each on by default
 */
public record HealthCheck(Type type, HttpCheck http, Optional<String> pgsqlUser, Optional<RoleCheck> roleCheck,
                          PatroniRules patroni) {

    public static final HealthCheck DEFAULT =
            new HealthCheck(Type.TCP, HttpCheck.DEFAULT, Optional.empty(), Optional.empty(), PatroniRules.DEFAULT);

    public enum Type { TCP, HTTP, PGSQL, PGSQL_ROLE }

    /**
     * What {@code option httpchk} and {@code http-check send/expect} produce.
     *
     * @param method  request method, {@code OPTIONS} by default
     * @param uri     request URI, {@code /} by default; a single {@code option httpchk} argument
     * @param version {@code HTTP/1.0} by default
     * @param headers extra headers from {@code http-check send hdr NAME VALUE}
     * @param body    request body from {@code http-check send body}
     * @param expect  the verdict rule; empty = HAProxy's default (2xx and 3xx pass)
     */
    public record HttpCheck(String method, String uri, String version, List<Header> headers, Optional<String> body,
                            Optional<Expect> expect) {
        public static final HttpCheck DEFAULT =
                new HttpCheck("OPTIONS", "/", "HTTP/1.0", List.of(), Optional.empty(), Optional.empty());

        public HttpCheck {
            headers = List.copyOf(headers);
        }
    }

    public record Header(String name, String value) {}

    /**
     * {@code http-check expect [!] status|rstatus|string|rstring PATTERN}.
     *
     * @param pattern for STATUS a comma list of codes and ranges ("200", "200-299,302")
     */
    public record Expect(boolean negate, Kind kind, String pattern) {
        public enum Kind { STATUS, RSTATUS, STRING, RSTRING }
    }

    /** {@code option pgsql-role-check user NAME [password P] [database D]}: primary when not in recovery. */
    public record RoleCheck(String user, Optional<String> password, String database, Role expect) {
        public enum Role { PRIMARY, REPLICA }
    }

    /**
     * Pointsman's rules beyond HAProxy for Patroni-shaped answers, each switchable off with
     * {@code no option NAME}.
     *
     * @param fastDemote    {@code option patroni-fast-demote}: a definitive role statement (503 with a
     *                      role other than primary, or a replica-pool node saying it is primary) marks
     *                      the server DOWN at once, without waiting for {@code fall}
     * @param verifyPrimary {@code option patroni-verify-primary}: a 200 on a primary check passes only
     *                      if the body, when there is one, says role master/primary and state running
     */
    public record PatroniRules(boolean fastDemote, boolean verifyPrimary) {
        public static final PatroniRules DEFAULT = new PatroniRules(true, true);
    }
}
