package dev.pointsman.stats;

import java.util.Optional;

/**
 * One line of stats: a FRONTEND, a server or a BACKEND of one proxy. Values are indexed by
 * {@link Field}: a {@code Long}, a {@code String}, or null when Pointsman has no value.
 *
 * @param standing the server's standing (servers only; null otherwise)
 */
record Row(Scope scope, String proxy, String name, Object[] values, Standing standing) {

    Row(Scope scope, String proxy, String name, Standing standing) {
        this(scope, proxy, name, new Object[Field.values().length], standing);
        set(Field.PXNAME, proxy);
        set(Field.SVNAME, name);
        set(Field.TYPE, (long) scope.type());
        set(Field.PID, 1L);
    }

    Object get(Field f) {
        return values[f.ordinal()];
    }

    Optional<Long> number(Field f) {
        return values[f.ordinal()] instanceof Long l ? Optional.of(l) : Optional.empty();
    }

    String text(Field f) {
        Object v = values[f.ordinal()];
        return v == null ? "" : v.toString();
    }

    Row set(Field f, Object value) {
        values[f.ordinal()] = value;
        return this;
    }
}
