package dev.pointsman.config;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * How Pointsman learns the Patroni cluster behind a backend ({@code patroni-view}, Pointsman's own
 * keyword). By default ({@link Mode#AUTO}) a backend whose checks go to an HTTP port asks that
 * port once for {@code GET /patroni}; if Patroni answers, the backend is Patroni-backed and its
 * view is polled from {@code GET /cluster}.
 *
 * @param mode        AUTO (discover from the check ports), OFF, or URLS (poll these REST API URLs)
 * @param urls        the REST API base URLs for URLS
 * @param interval    how often the view is polled when stable; empty = the servers' check inter, at most 1 s
 * @param maxLagBytes a replica lagging more bytes leaves the replica pool (after {@code lagGrace})
 * @param maxLagTime  likewise for replay delay
 * @param lagGrace    how long a replica must stay over the limit before it leaves the pool
 * @param calmInterval how often the view is polled while the backend's etcd watch ({@code patroni-dcs}) is
 *                    established and nothing has changed for a while; not longer than {@code interval}: no calm pace
 */
public record PatroniView(Mode mode, List<URI> urls, Optional<Duration> interval, OptionalLong maxLagBytes,
                          Optional<Duration> maxLagTime, Duration lagGrace, Duration calmInterval) {

    /** The default {@code calm-interval}. */
    public static final Duration CALM_INTERVAL = Duration.ofSeconds(5);

    public static final PatroniView AUTO = new PatroniView(Mode.AUTO, List.of(), Optional.empty(), OptionalLong.empty(),
            Optional.empty(), Duration.ofSeconds(10), CALM_INTERVAL);

    public PatroniView {
        urls = List.copyOf(urls);
    }

    public enum Mode { AUTO, OFF, URLS }
}
