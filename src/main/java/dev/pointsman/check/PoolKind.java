package dev.pointsman.check;

import java.util.Locale;
import java.util.Set;

/**
 * What a backend's {@code option httpchk} URI selects in Patroni's REST API, which decides where
 * the Patroni rules apply. Only the URIs whose meaning is unambiguous get a kind:
 * <ul>
 *   <li>{@link #PRIMARY}: the path (query string and trailing slash ignored, case-insensitive) is
 *       {@code /}, {@code /primary}, {@code /master} or {@code /read-write}: 200 only on the
 *       leader of a non-standby cluster.</li>
 *   <li>{@link #REPLICA}: the path contains {@code replica} (as Patroni itself matches it, so
 *       {@code /replica}, {@code /replica?lag=10MB} and even {@code OPTIONS/replica} count), or is
 *       {@code /async}, {@code /asynchronous}, {@code /sync}, {@code /synchronous} or
 *       {@code /quorum}: 200 only on standbys.</li>
 *   <li>{@link #OTHER}: everything else, where a primary may legitimately answer 200 and a
 *       replica too ({@code /read-only}, {@code /read-only-sync}, {@code /health},
 *       {@code /liveness}, {@code /readiness}, {@code /leader}, {@code /standby-leader}...):
 *       neither Patroni rule applies there.</li>
 * </ul>
 */
public enum PoolKind {
    PRIMARY, REPLICA, OTHER;

    private static final Set<String> PRIMARY_PATHS = Set.of("", "/", "/primary", "/master", "/read-write");
    private static final Set<String> STANDBY_PATHS = Set.of("/async", "/asynchronous", "/sync", "/synchronous", "/quorum");

    /** The pool a backend's checks select; only HTTP checks have one. */
    public static PoolKind of(dev.pointsman.config.HealthCheck check) {
        return check.type() == dev.pointsman.config.HealthCheck.Type.HTTP ? of(check.http().uri()) : OTHER;
    }

    public static PoolKind of(String uri) {
        String path = uri.toLowerCase(Locale.ROOT);
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        while (path.length() > 1 && path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        if (path.contains("replica") || STANDBY_PATHS.contains(path)) {
            return REPLICA;
        }
        return PRIMARY_PATHS.contains(path) ? PRIMARY : OTHER;
    }
}
