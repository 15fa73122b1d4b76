package dev.pointsman.frontend;

import dev.pointsman.config.Config;
import dev.pointsman.config.Global;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.Proxy;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The descriptors a configuration needs against those the process may open: HAProxy's maxsock
 * against RLIMIT_NOFILE. A session takes two (client and server); listeners, checks, log sockets,
 * the runtime API, the event loops and the JVM itself take a few more, and each stats listener's connections (not
 * counted in maxconn) a reserve of their own, {@link #STATS_RESERVE}, which bounds them
 * ({@link #statsConnections()}) together with what the limit leaves spare.
 *
 * <p>As in HAProxy 2.6: a {@code global maxconn} the limit cannot carry refuses the start
 * ({@code strict-limits}, the default) or is only reported ({@code no strict-limits}); without a
 * {@code global maxconn}, the default is lowered to what the limit carries.
 *
 * <p>The limit is the one the process has: the JVM raises its soft limit to the hard one at start
 * on Linux (-XX:+MaxFDLimit), so {@code ulimit -n} in a shell may show less.
 */
public final class DescriptorBudget {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");
    /** The JVM's own: standard streams, the jar and the runtime image, /dev/urandom... (17 with one listener and two event loops). */
    static final int JVM_RESERVE = 32;
    /** Each event loop: its epoll (or selector) descriptor, an eventfd and a timerfd. */
    static final int PER_THREAD = 3;
    /** Descriptors set aside for the connections of each stats listener (sessions and checks keep theirs). */
    static final int STATS_RESERVE = 16;

    private final long limit;
    private final int configured;
    private final boolean given;
    private final boolean strict;
    private final int overhead;
    private final int statsListeners;
    private final int maxconn;

    private DescriptorBudget(Config config, long limit) {
        this.limit = limit;
        Global global = config.global();
        this.configured = global.maxconn();
        this.given = global.maxconnSet();
        this.strict = global.strictLimits();
        this.statsListeners = (int) config.proxies().stream().filter(Proxy::servesStats).count();
        this.overhead = overhead(config) + STATS_RESERVE * statsListeners;
        this.maxconn = given || limit <= 0 ? configured
                : (int) Math.max(1, Math.min(configured, (limit - overhead) / 2));
    }

    /** The budget of {@code config} under this process's limit. */
    public static DescriptorBudget of(Config config) {
        return new DescriptorBudget(config, processLimit());
    }

    /** The budget of {@code config} under a descriptor limit of {@code limit} (negative: unknown). */
    public static DescriptorBudget of(Config config, long limit) {
        return new DescriptorBudget(config, limit);
    }

    /** The process's maxconn: the configured one, or the default lowered to what the limit carries. */
    public int maxconn() {
        return maxconn;
    }

    /** HAProxy's maxsock: what {@link #maxconn()} sessions and everything else take. */
    public long needed() {
        return 2L * maxconn + overhead;
    }

    /**
     * How many connections each stats listener may hold without taking the descriptors that sessions
     * (at {@link #maxconn()}) and checks need: its {@link #STATS_RESERVE} and an even share of what the
     * limit leaves spare; unbounded when the limit is unknown.
     */
    public int statsConnections() {
        if (limit <= 0 || statsListeners == 0) {
            return Integer.MAX_VALUE;
        }
        long spare = Math.max(0, limit - needed());
        return (int) Math.min(Integer.MAX_VALUE, STATS_RESERVE + spare / statsListeners);
    }

    /** The process's descriptor limit (soft RLIMIT_NOFILE); negative when it cannot be read. */
    public long limit() {
        return limit;
    }

    /** Why the limit cannot carry maxconn, naming the numbers and the fix; empty when it can (or is unknown). */
    public Optional<String> shortfall() {
        if (limit <= 0 || needed() <= limit) {
            return Optional.empty();
        }
        long carried = Math.max(0, (limit - overhead) / 2);
        return Optional.of(String.format("FD limit (%d) too low for maxconn=%d/maxsock=%d: each session takes 2"
                        + " descriptors (client and server), plus %d for listeners, checks, logs, stats connections and the JVM."
                        + " Raise 'ulimit -n' (systemd: LimitNOFILE=) to %d or more, or lower maxconn to %d or less.",
                limit, maxconn, needed(), overhead, needed(), carried));
    }

    /**
     * At start-up: a shortfall refuses the start with {@code strict-limits} (the default) and is
     * logged with {@code no strict-limits}; a default maxconn lowered to fit is logged.
     */
    public void enforce() throws DescriptorLimitException {
        Optional<String> shortfall = shortfall();
        if (shortfall.isPresent()) {
            if (strict) {
                throw new DescriptorLimitException(shortfall.get()
                        + " ('no strict-limits' in the global section starts anyway, as in HAProxy)");
            }
            LOG.warn("{} Starting anyway ('no strict-limits'): accepts will fail and pause while descriptors"
                    + " run out.", shortfall.get());
        } else if (!given && maxconn < configured) {
            LOG.info("global maxconn is not set: {} (what the FD limit {} carries; the default {} would need {})",
                    maxconn, limit, configured, 2L * configured + overhead);
        }
    }

    /** The last limit read: what {@link #processLimit} answers when it cannot read one now. */
    private static final AtomicLong LAST_READ = new AtomicLong(-1);

    /**
     * RLIMIT_NOFILE of this process (soft limit), or -1 when it cannot be read: from
     * /proc/self/limits on Linux, else the JDK's management bean (which costs about 10 ms of
     * start-up to load: docs/BENCHMARKS.md).
     */
    public static long processLimit() {
        return processLimit(Path.of("/proc/self/limits"));
    }

    /**
     * The limit from {@code limits}; when that cannot be read now, the last limit read. The limit is
     * reported when accepts fail for want of descriptors, exactly when neither the file nor the
     * management bean's native library can be opened; the start reads it first, with room to spare.
     */
    static long processLimit(Path limits) {
        long limit = procLimit(limits);
        if (limit >= 0) {
            LAST_READ.set(limit);
            return limit;
        }
        long last = LAST_READ.get();
        if (last >= 0) {
            return last;
        }
        try {
            if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.UnixOperatingSystemMXBean unix) {
                limit = unix.getMaxFileDescriptorCount();
                LAST_READ.set(limit);
                return limit;
            }
        } catch (LinkageError | RuntimeException e) {
            // out of descriptors before anything was read: the bean's native library cannot load
        }
        return -1;
    }

    /** The soft "Max open files" of a limits file as Linux writes it; -1 when absent, unlimited or unreadable. */
    static long procLimit(Path limits) {
        try (Stream<String> lines = Files.lines(limits)) {
            return lines.filter(l -> l.startsWith("Max open files")).findFirst()
                    .map(l -> l.substring("Max open files".length()).trim().split("\\s+")[0])
                    .filter(v -> !v.isEmpty() && v.chars().allMatch(Character::isDigit)).map(Long::parseLong).orElse(-1L);
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static int overhead(Config config) {
        int threads = config.global().nbthread() > 0 ? config.global().nbthread()
                : Runtime.getRuntime().availableProcessors();
        int listeners = 0;
        int servers = 0;
        long logs = sockets(config.global().logs().stream());
        // a proxy's frontend binds each address once per event loop (SO_REUSEPORT; counted so also on
        // NIO, which binds it once); stats listeners once
        int perAddress = config.global().reusePort() ? threads : 1;
        for (Proxy p : config.proxies()) {
            int sockets = p.mode() == Proxy.Mode.TCP && p.isFrontend() ? perAddress : 1;
            listeners += sockets * p.binds().stream().mapToInt(b -> b.lastPort() - b.firstPort() + 1).sum();
            servers += p.servers().size();
            logs += sockets(p.logs().stream());
            listeners += p.dcs().map(d -> d.endpoints().size()).orElse(0);
        }
        // the runtime API: its sockets, its connections (stats maxconn) and its own event loop
        int admin = config.global().statsSockets().isEmpty() ? 0
                : config.global().statsSockets().size() + config.global().statsMaxconn() + PER_THREAD;
        // a server takes one descriptor for its check and one for the Patroni view's request
        return JVM_RESERVE + PER_THREAD * threads + listeners + 2 * servers + (int) logs + admin;
    }

    private static long sockets(Stream<LogTarget> targets) {
        return targets.filter(t -> t.kind() == LogTarget.Kind.UDP || t.kind() == LogTarget.Kind.UNIX).count();
    }
}
