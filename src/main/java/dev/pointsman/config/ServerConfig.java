package dev.pointsman.config;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One {@code server} line with its {@code default-server} template applied.
 *
 * @param id        1-based position in its backend (HAProxy's {@code sid})
 * @param host      the host as written (name or literal)
 * @param address   resolved at start; unresolved only with {@code init-addr none}
 * @param maxconn   0 = unlimited
 * @param maxqueue  0 = unlimited
 * @param checkPort {@code port N}: where checks go instead of the server's port
 * @param checkAddr {@code addr A}: where checks go instead of the server's address
 */
public record ServerConfig(
        String name,
        int id,
        Source source,
        String host,
        int port,
        InetSocketAddress address,
        int maxconn,
        int maxqueue,
        int weight,
        boolean backup,
        boolean disabled,
        boolean check,
        OptionalInt checkPort,
        Optional<String> checkAddr,
        Duration inter,
        Optional<Duration> fastinter,
        Optional<Duration> downinter,
        int rise,
        int fall,
        boolean shutdownSessionsOnDown,
        boolean shutdownBackupSessionsOnUp,
        Optional<Duration> slowstart) {

    public static final Duration DEFAULT_INTER = Duration.ofSeconds(2);
    public static final int DEFAULT_RISE = 2;
    public static final int DEFAULT_FALL = 3;
    public static final int DEFAULT_WEIGHT = 1;

    /** Where health checks connect: {@code addr}/{@code port} when given, the server otherwise. */
    public InetSocketAddress checkAddress() {
        int p = checkPort.orElse(port);
        if (checkAddr.isEmpty()) {
            return address.isUnresolved() ? InetSocketAddress.createUnresolved(host, p)
                    : new InetSocketAddress(address.getAddress(), p);
        }
        return new InetSocketAddress(checkAddr.get(), p);
    }

    /** HAProxy's interval while changing state or not yet checked. */
    public Duration effectiveFastinter() {
        return fastinter.orElse(inter);
    }

    /** HAProxy's interval while fully down. */
    public Duration effectiveDowninter() {
        return downinter.orElse(inter);
    }
}
