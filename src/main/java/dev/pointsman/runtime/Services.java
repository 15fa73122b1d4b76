package dev.pointsman.runtime;

import java.util.List;

/** Side services started with the proxy (stats listeners). */
final class Services {
    private Services() {}

    static List<AutoCloseable> start(Pointsman p) {
        return List.of();
    }
}
