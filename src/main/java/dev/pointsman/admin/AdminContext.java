package dev.pointsman.admin;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.cluster.ClusterView;
import dev.pointsman.config.Config;
import dev.pointsman.log.ProxyLog;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * What the runtime API reads and the few hooks it calls, handed over by the runtime.
 *
 * @param configs          the configuration in force (a reload replaces it)
 * @param backends         the running TCP backends by name, in configuration order
 * @param statCsv          HAProxy's CSV, as the stats page renders it
 * @param info             the process's figures for {@code show info}
 * @param clusters         the current Patroni cluster view of each backend that has one
 * @param logs             where a backend's state lines go besides the process log
 * @param leftMaintenance  told (on the backend's owner) when a server leaves maintenance: its
 *                         checks run at once, and start then for a server {@code disabled} in the
 *                         configuration
 * @param nanoClock        the backends' clock (servers' last-change times are on it)
 */
public record AdminContext(Supplier<Config> configs, Map<String, Backend> backends, Supplier<String> statCsv,
                           Supplier<ProcessInfo> info, Supplier<Map<String, ClusterView>> clusters,
                           Function<Backend, ProxyLog> logs, Consumer<Server> leftMaintenance,
                           LongSupplier nanoClock) {

    /** The configuration in force now. */
    public Config config() {
        return configs.get();
    }

    /** A proxy's number, as the CSV's {@code iid} counts them: its place in the configuration, from 1. */
    int proxyId(String name) {
        Config config = config();
        for (int i = 0; i < config.proxies().size(); i++) {
            if (config.proxies().get(i).name().equals(name)) {
                return i + 1;
            }
        }
        return 0;
    }
}
