package dev.pointsman.runtime;

import dev.pointsman.config.Proxy;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.stats.CheckPatroniView;
import dev.pointsman.stats.PatroniView;
import dev.pointsman.stats.Stats;
import dev.pointsman.stats.StatsServer;
import java.util.ArrayList;
import java.util.List;

/** Side services started with the proxy: a stats listener for every {@code mode http} section with stats enabled. */
final class Services {
    private Services() {}

    static List<AutoCloseable> start(Pointsman p) throws BindFailedException {
        Stats stats = p.stats();
        List<AutoCloseable> started = new ArrayList<>();
        for (Proxy proxy : p.config().proxies()) {
            if (proxy.servesStats()) {
                try {
                    started.add(StatsServer.start(proxy, stats, p.descriptors(), p.transport(), p.group()));
                } catch (BindFailedException e) {
                    started.forEach(Services::closeQuietly);
                    throw e;
                }
            }
        }
        return started;
    }

    static Stats stats(Pointsman p, PatroniView cluster) {
        return new Stats(p.config(), p.backends(), p.frontends(),
                cluster.orElse(new CheckPatroniView(p.backends().values())), System::nanoTime);
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already failing
        }
    }
}
