package dev.pointsman.frontend;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The accept errors of one frontend, reported at most once per {@link #INTERVAL} with the number
 * left unreported since: a process out of descriptors fails an accept ten times a second per
 * listener, and one line says as much as a thousand. Thread-safe (the frontend's listeners may be
 * on different event loops).
 */
final class AcceptErrors {
    static final Duration INTERVAL = Duration.ofSeconds(10);

    private final String frontend;
    private final LongSupplier descriptorLimit;
    private final Consumer<String> sink;
    private final AtomicLong nextReport = new AtomicLong(Long.MIN_VALUE);
    private final AtomicLong unreported = new AtomicLong();

    /**
     * @param descriptorLimit the process's RLIMIT_NOFILE, named in the line when the cause is a descriptor
     *                        shortage; negative when unknown
     */
    AcceptErrors(String frontend, LongSupplier descriptorLimit, Consumer<String> sink) {
        this.frontend = frontend;
        this.descriptorLimit = descriptorLimit;
        this.sink = sink;
    }

    /** One failed accept on {@code local} at {@code now} (nanoseconds); returns the line when it was reported. */
    Optional<String> failed(SocketAddress local, Throwable cause, long now) {
        long next = nextReport.get();
        boolean due = next == Long.MIN_VALUE || now - next >= 0;
        if (!due || !nextReport.compareAndSet(next, now + INTERVAL.toNanos())) {
            unreported.incrementAndGet();
            return Optional.empty();
        }
        long more = unreported.getAndSet(0);
        String line = String.format("Proxy %s cannot accept on %s: %s; not accepting there for %d ms%s%s",
                frontend, address(local), describe(cause), Listener.ACCEPT_BACKOFF.toMillis(), hint(cause),
                more == 0 ? "" : " (" + more + " more accept errors since the last report)");
        sink.accept(line);
        return Optional.of(line);
    }

    private static String address(SocketAddress local) {
        return local instanceof InetSocketAddress a && a.getAddress() != null
                ? a.getAddress().getHostAddress() + ":" + a.getPort() : String.valueOf(local);
    }

    private static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getName() : message;
    }

    private String hint(Throwable cause) {
        String message = String.valueOf(cause.getMessage()).toLowerCase(Locale.ROOT);
        if (message.contains("too many open files in system")) {
            return ": the system's file limit is reached (fs.file-max)";
        }
        if (message.contains("too many open files")) {
            long limit = descriptorLimit.getAsLong();
            return ": the process's descriptor limit" + (limit > 0 ? " (" + limit + ")" : "")
                    + " is reached; raise 'ulimit -n' (systemd: LimitNOFILE) or lower maxconn";
        }
        return "";
    }
}
