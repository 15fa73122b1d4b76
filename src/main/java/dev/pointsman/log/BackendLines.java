package dev.pointsman.log;

import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.config.Proxy;
import org.slf4j.Logger;

/** Lines about a whole backend, in HAProxy's words ({@code src/backend.c}, {@code src/proxy.c}). */
public final class BackendLines {
    private BackendLines() {}

    /** HAProxy's {@code proxy_cap_str}: "proxy" for a section that is both, else "frontend" or "backend". */
    public static String kind(Proxy p) {
        if (p.isFrontend() && p.isBackend()) {
            return "proxy";
        }
        return p.isFrontend() ? "frontend" : "backend";
    }

    /**
     * A backend lost its last usable server (HAProxy's {@code set_backend_down}): an error on
     * {@code logger}, and {@code <kind> <name> has no server available!} at EMERG to the
     * proxy's log targets ({@code proxyLog} may be null).
     */
    public static void noServerAvailable(Logger logger, ProxyLog proxyLog, Proxy backend) {
        logger.error("backend '{}' has no server available!", backend.name());
        if (proxyLog != null) {
            proxyLog.log(Level.EMERG, kind(backend) + " " + backend.name() + " has no server available!");
        }
    }
}
