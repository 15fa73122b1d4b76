package dev.pointsman.testing;

import dev.pointsman.config.Bind;
import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import java.lang.reflect.Constructor;
import java.lang.reflect.RecordComponent;
import java.util.List;

/**
 * A parsed configuration with every {@code bind} moved to port 0, so that a test's proxy gets
 * ports from the kernel instead of guessing free ones (the parser, like HAProxy, accepts only
 * 1-65535). Read the bound ports from the running frontends afterwards.
 */
public final class EphemeralPorts {
    private EphemeralPorts() {}

    public static Config of(Config config) {
        List<Proxy> proxies = config.proxies().stream().map(p -> with(p, "binds",
                p.binds().stream().map(b -> new Bind(b.host(), 0, 0, b.source())).toList())).toList();
        return new Config(config.global(), proxies, config.notices());
    }

    /** A copy of {@code record} with one component replaced. */
    static <R extends Record> R with(R record, String component, Object value) {
        try {
            RecordComponent[] parts = record.getClass().getRecordComponents();
            Object[] args = new Object[parts.length];
            Class<?>[] types = new Class<?>[parts.length];
            for (int i = 0; i < parts.length; i++) {
                types[i] = parts[i].getType();
                args[i] = parts[i].getName().equals(component) ? value : parts[i].getAccessor().invoke(record);
            }
            @SuppressWarnings("unchecked")
            Constructor<R> c = (Constructor<R>) record.getClass().getDeclaredConstructor(types);
            return c.newInstance(args);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot copy " + record.getClass().getSimpleName(), e);
        }
    }
}
