package dev.pointsman.log;

import dev.pointsman.config.Config;
import dev.pointsman.config.LogTarget;
import dev.pointsman.config.Proxy;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's {@code log} senders: one per distinct destination. Lines for a UDP destination are
 * formatted and sent by the caller on a non-blocking socket (as HAProxy's threads send theirs);
 * lines for a destination that may block (stdout, stderr, a unix socket) go through one bounded
 * queue drained by one thread. Callers (event loops included) never wait: a line the queue or the
 * socket cannot take is dropped and counted ({@link #dropped()}).
 */
public final class LogService implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");
    static final int QUEUE_CAPACITY = 8192;

    /** One line for one target, formatted where it is sent; {@code tag} is the syslog tag of its proxy. */
    record Event(LogTarget target, LogSender sender, LogTarget.Level level, long epochMillis, String tag,
                 String message) {}

    /** Queued by {@link #close()} after the last line: the thread ends when it gets there. */
    private static final Event STOP = new Event(null, null, null, 0, null, null);
    /** How long {@link #close()} waits for the queued lines to be sent. */
    private static final java.time.Duration CLOSE_BOUND = java.time.Duration.ofSeconds(1);

    private final BlockingQueue<Event> queue;
    private final LongAdder dropped = new LongAdder();
    private final LongAdder failed = new LongAdder();
    private final Map<String, LogSender> senders = new LinkedHashMap<>();
    private final String hostname;
    private final String globalTag;
    private final long pid = ProcessHandle.current().pid();
    private final Thread thread;
    private volatile boolean closing;

    LogService(int capacity) {
        this(capacity, hostname(), SyslogFormat.TAG);
    }

    /**
     * @param hostname  the host name of rfc3164 and rfc5424 headers
     * @param globalTag the syslog tag of a proxy without a {@code log-tag} of its own
     */
    LogService(int capacity, String hostname, String globalTag) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.hostname = hostname;
        this.globalTag = globalTag;
        this.thread = new Thread(this::run, "pointsman-log");
        this.thread.setDaemon(true);
    }

    /**
     * Opens a sender for every target of the global section and of every proxy, and starts the
     * thread. The host name is {@code log-send-hostname}'s, else the system's; the tag of a proxy
     * without {@code log-tag} is the global {@code log-tag}, else {@link SyslogFormat#TAG}.
     */
    public static LogService start(Config config) {
        LogService s = new LogService(QUEUE_CAPACITY, config.global().logSendHostname().orElseGet(LogService::hostname),
                config.global().logTag().orElse(SyslogFormat.TAG));
        List<LogTarget> all = new ArrayList<>(config.global().logs());
        for (Proxy p : config.proxies()) {
            all.addAll(p.logs());
        }
        all.forEach(s::sender);
        s.thread.start();
        return s;
    }

    /** A service with no targets, for tests and for configurations without {@code log}. */
    public static LogService none() {
        LogService s = new LogService(1);
        s.thread.start();
        return s;
    }

    /**
     * The log of a proxy: its lines go to its targets, tagged with its {@code log-tag} (inherited
     * from defaults), else the global one, else {@link SyslogFormat#TAG}.
     */
    public ProxyLog of(Proxy proxy) {
        List<ProxyLog.Sink> sinks = new ArrayList<>();
        for (LogTarget t : proxy.logs()) {
            sinks.add(new ProxyLog.Sink(t, sender(t)));
        }
        return new ProxyLog(this, proxy.logTag().orElse(globalTag), sinks);
    }

    /** Lines dropped because the queue was full. */
    public long dropped() {
        return dropped.sum();
    }

    /** Lines that could not be sent (socket errors). */
    public long failed() {
        return failed.sum();
    }

    void offer(Event e) {
        if (e.sender().direct()) {
            if (!closing) {
                send(e);
            }
        } else if (closing || !queue.offer(e)) {
            dropped.increment();
        }
    }

    /** The thread that drains the queue (tests). */
    Thread thread() {
        return thread;
    }

    /** What is queued, removed from the queue (tests of a service whose thread was never started). */
    java.util.List<Event> drainForTest() {
        java.util.List<Event> out = new ArrayList<>();
        queue.drainTo(out);
        return out;
    }

    private synchronized LogSender sender(LogTarget t) {
        String key = t.kind() + " " + t.address() + ":" + t.port();
        return senders.computeIfAbsent(key, k -> open(t));
    }

    private static LogSender open(LogTarget t) {
        try {
            return switch (t.kind()) {
                case UDP -> new UdpSender(t.address(), t.port());
                case STDOUT -> new StreamSender(System.out);
                case STDERR -> new StreamSender(System.err);
                case UNIX -> {
                    if (!UnixSender.available()) {
                        LOG.warn("[{}] : log to unix socket {}: needs the epoll transport (Linux), which is not"
                                + " available here; these lines go to stderr instead", t.source(), t.address());
                        yield new StreamSender(System.err);
                    }
                    yield new UnixSender(t.address());
                }
            };
        } catch (IOException | RuntimeException e) {
            LOG.warn("[{}] : log to {} {}: {}; these lines go to stderr instead", t.source(), t.kind(), t.address(),
                    e.getMessage());
            return new StreamSender(System.err);
        }
    }

    /** Sleeps until a line comes (an idle proxy's log thread does not wake up), ends at {@link #STOP}. */
    private void run() {
        while (true) {
            Event e;
            try {
                e = queue.take();
            } catch (InterruptedException ie) {
                break;
            }
            if (e == STOP) {
                break;
            }
            send(e);
        }
    }

    private void send(Event e) {
        LogTarget t = e.target();
        String line = SyslogFormat.format(t.format(), t.facility(), e.level(), e.epochMillis(), hostname, e.tag(),
                pid, e.message());
        try {
            if (!e.sender().send(line, t.maxLength())) {
                dropped.increment();
            }
        } catch (IOException | RuntimeException ex) {
            failed.increment();
        }
    }

    /**
     * Sends what is queued (for at most a second), then closes the senders. The stop marker goes
     * behind the last line; a full queue takes it as soon as the thread has sent one line more
     * (where it was dropped, the thread, having sent the queue, waited for a line until the bound).
     */
    @Override
    public void close() {
        closing = true;
        long deadline = System.nanoTime() + CLOSE_BOUND.toNanos();
        try {
            if (thread.isAlive()) { // a thread never started has nothing to send
                queue.offer(STOP, CLOSE_BOUND.toNanos(), TimeUnit.NANOSECONDS);
                thread.join(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        thread.interrupt(); // still sending at the bound, or never given the marker
        synchronized (this) {
            senders.values().forEach(LogSender::close);
        }
    }

    private static String hostname() {
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            String h = InetAddress.getLocalHost().getHostName();
            int dot = h.indexOf('.');
            return dot > 0 ? h.substring(0, dot) : h;
        } catch (IOException e) {
            return "localhost";
        }
    }
}
