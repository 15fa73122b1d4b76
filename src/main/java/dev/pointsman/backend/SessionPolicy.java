package dev.pointsman.backend;

import dev.pointsman.config.Proxy;
import dev.pointsman.config.Timeouts;
import dev.pointsman.log.AccessLog;
import dev.pointsman.net.Transport;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import java.time.Duration;
import java.util.Optional;

/**
 * What a session of one frontend → backend pair obeys, computed once at start. Times in
 * milliseconds, 0 = no timeout. As in HAProxy, the client side's timeouts come from the frontend
 * and the server side's (connect, server, queue, retries) from the backend; {@code timeout tunnel}
 * replaces both inactivity timeouts once the session relays. Server sockets come from
 * {@code ipv4ChannelFactory} for an IPv4 server, else from {@code channelFactory}.
 */
public record SessionPolicy(
        String frontend,
        long connectMillis,
        long clientMillis,
        long serverMillis,
        long clientFinMillis,
        long serverFinMillis,
        int retries,
        int redispatch,
        boolean clientKeepalive,
        boolean serverKeepalive,
        ChannelFactory<? extends Channel> channelFactory,
        ChannelFactory<? extends Channel> ipv4ChannelFactory,
        AccessLog accessLog) {

    public static SessionPolicy of(Proxy frontend, Proxy backend, Class<? extends Channel> channelClass,
                                   AccessLog accessLog) {
        Timeouts fe = frontend.timeouts();
        Timeouts be = backend.timeouts();
        Optional<Duration> tunnel = be.tunnel();
        return new SessionPolicy(
                frontend.name(),
                millis(be.connect()),
                millis(tunnel.or(fe::client)),
                millis(tunnel.or(be::server)),
                millis(fe.clientFin()),
                millis(be.serverFin()),
                backend.retries(),
                backend.redispatch(),
                frontend.clientKeepalive(),
                backend.serverKeepalive(),
                Transport.factoryOf(channelClass),
                Transport.ipv4FactoryOf(channelClass),
                accessLog);
    }

    private static long millis(Optional<Duration> d) {
        return d.map(x -> Math.max(1, x.toMillis())).orElse(0L);
    }

    /** HAProxy's turn-around before retrying the same server: min(timeout connect, 1s). */
    long retryDelayMillis() {
        return connectMillis == 0 ? 1000 : Math.min(connectMillis, 1000);
    }

    /** Whether retry number {@code retry} (1-based) goes to another server ({@code option redispatch}). */
    boolean redispatchOn(int retry) {
        if (redispatch == 0) {
            return false;
        }
        return redispatch < 0 ? retry == retries : retry % redispatch == 0;
    }
}
