package dev.pointsman.cluster;

import dev.pointsman.check.PoolKind;
import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.Proxy;

/** Which nodes a backend is meant to reach, read from its checks: the rules the view applies to it. */
public enum Pool {
    /** Writes: {@code option httpchk} on {@code /}, {@code /primary}...; a role check expecting primary. */
    PRIMARY,
    /** Reads from standbys: {@code /replica}, {@code /async}...; a role check expecting replica. */
    REPLICA,
    /** Anything else ({@code /read-only}, {@code /health}, tcp checks): the view never vetoes. */
    ANY;

    public static Pool of(Proxy backend) {
        HealthCheck check = backend.check();
        return switch (check.type()) {
            case HTTP -> switch (PoolKind.of(check.http().uri())) {
                case PRIMARY -> PRIMARY;
                case REPLICA -> REPLICA;
                case OTHER -> ANY;
            };
            case PGSQL_ROLE -> check.roleCheck().map(r -> r.expect() == HealthCheck.RoleCheck.Role.PRIMARY
                    ? PRIMARY : REPLICA).orElse(ANY);
            default -> ANY;
        };
    }
}
