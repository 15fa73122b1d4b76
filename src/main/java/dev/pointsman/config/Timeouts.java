package dev.pointsman.config;

import java.time.Duration;
import java.util.Optional;

/**
 * A proxy's {@code timeout} values; empty = not set (HAProxy: infinite, or derived as documented).
 * {@code httpRequest} is HAProxy's {@code timeout http-request}: the longest a client may take to send
 * a complete request; only the stats listener reads HTTP, so only it uses this value.
 */
public record Timeouts(
        Optional<Duration> client,
        Optional<Duration> server,
        Optional<Duration> connect,
        Optional<Duration> queue,
        Optional<Duration> check,
        Optional<Duration> clientFin,
        Optional<Duration> serverFin,
        Optional<Duration> tunnel,
        Optional<Duration> httpRequest) {

    public static final Timeouts NONE = new Timeouts(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** Without {@code timeout http-request} (only the stats listener reads HTTP). */
    public Timeouts(Optional<Duration> client, Optional<Duration> server, Optional<Duration> connect,
                    Optional<Duration> queue, Optional<Duration> check, Optional<Duration> clientFin,
                    Optional<Duration> serverFin, Optional<Duration> tunnel) {
        this(client, server, connect, queue, check, clientFin, serverFin, tunnel, Optional.empty());
    }

    /** HAProxy: {@code timeout queue} defaults to {@code timeout connect}. */
    public Optional<Duration> effectiveQueue() {
        return queue.or(() -> connect);
    }
}
