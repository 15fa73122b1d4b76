package dev.pointsman.config;

import java.time.Duration;
import java.util.Optional;

/** A proxy's {@code timeout} values; empty = not set (HAProxy: infinite, or derived as documented). */
public record Timeouts(
        Optional<Duration> client,
        Optional<Duration> server,
        Optional<Duration> connect,
        Optional<Duration> queue,
        Optional<Duration> check,
        Optional<Duration> clientFin,
        Optional<Duration> serverFin,
        Optional<Duration> tunnel) {

    public static final Timeouts NONE = new Timeouts(Optional.empty(), Optional.empty(), Optional.empty(),
            Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty());

    /** HAProxy: {@code timeout queue} defaults to {@code timeout connect}. */
    public Optional<Duration> effectiveQueue() {
        return queue.or(() -> connect);
    }
}
