package dev.pointsman.cluster.dcs;

import dev.pointsman.config.DcsWatch;
import dev.pointsman.net.Transport;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Follows one of Patroni's keys in etcd (the leader key, or the failover key) through the v3 JSON
 * gateway: read it ({@code /v3/kv/range}), then watch it ({@code /v3/watch}) from the next
 * revision, and tell a {@link KeyListener} of every change of its value, of each outage and of
 * each recovery.
 *
 * <p>One connection at a time, to one endpoint. Any failure (refused, timeout, HTTP error, a
 * broken or silent stream, a line that is not the gateway's JSON) closes it and retries after a
 * bounded exponential backoff on the next endpoint, re-reading the key first so that a change
 * made meanwhile is reported. A compacted start revision is not an outage: the key is re-read and
 * watched again at once. Every step runs on one event loop and never blocks it (host names are
 * resolved off the loop); {@link #close()} stops everything and silences the listener.
 */
public final class EtcdKeyWatch implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman.dcs");

    private enum Availability { UNKNOWN, AVAILABLE, UNAVAILABLE }

    private final DcsWatch config;
    private final KeyListener listener;
    private final EventLoop loop;
    private final Gateway gateway;
    private final WatchTimings timings;
    private final EventLoopGroup ownedGroup;
    private final String key;
    private final List<URI> endpoints;

    private volatile boolean closed;
    // Touched on the loop only:
    private int endpoint;
    private int failures;
    private int attempt;
    private Availability availability = Availability.UNKNOWN;
    /** The last value reported; null until the key was first read. */
    private Optional<String> value;
    /** The key's mod_revision as last seen (0 = absent), to tell a stale watch. */
    private long keyRevision;
    private HttpStream stream;
    private HttpStream confirmation;
    private ScheduledFuture<?> timer;
    private long lastMessageNanos;
    private boolean watching;

    private EtcdKeyWatch(DcsWatch config, String key, KeyListener listener, EventLoop loop,
                            Class<? extends Channel> channelClass, WatchTimings timings, EventLoopGroup ownedGroup) {
        if (config.endpoints().isEmpty()) {
            throw new IllegalArgumentException("patroni-dcs without endpoints");
        }
        this.config = config;
        this.listener = listener;
        this.loop = loop;
        this.gateway = new Gateway(loop, channelClass, timings.connect());
        this.timings = timings;
        this.ownedGroup = ownedGroup;
        this.key = key;
        this.endpoints = config.endpoints();
    }

    /**
     * Starts watching {@code key} (one of {@code config}'s keys) on {@code loop} (usually one of the
     * proxy's event loops), with connections of {@code channelClass} (the transport's socket channel).
     */
    public static EtcdKeyWatch start(DcsWatch config, String key, KeyListener listener, EventLoop loop,
                                     Class<? extends Channel> channelClass) {
        return start(config, key, listener, loop, channelClass, WatchTimings.DEFAULT, null);
    }

    /** Starts watching the leader key on an event loop of its own (one NIO thread), shut down by {@link #close()}. */
    public static EtcdKeyWatch start(DcsWatch config, KeyListener listener) {
        return start(config, listener, WatchTimings.DEFAULT);
    }

    static EtcdKeyWatch start(DcsWatch config, KeyListener listener, WatchTimings timings) {
        Transport nio = Transport.nio();
        EventLoopGroup group = nio.newGroup(1, "pointsman-dcs");
        return start(config, config.leaderKey(), listener, group.next(), nio.socketChannel(), timings, group);
    }

    static EtcdKeyWatch start(DcsWatch config, String key, KeyListener listener, EventLoop loop,
                              Class<? extends Channel> channelClass, WatchTimings timings, EventLoopGroup owned) {
        EtcdKeyWatch watch = new EtcdKeyWatch(config, key, listener, loop, channelClass, timings, owned);
        loop.execute(watch::connect);
        return watch;
    }

    /** The key watched, e.g. {@code /service/pointsman/leader}. */
    public String key() {
        return key;
    }

    /** Stops at once: the connection is closed, no retry runs and the listener hears nothing more. */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (!loop.isShuttingDown()) {
            loop.execute(this::teardown);
        }
        if (ownedGroup != null) {
            ownedGroup.shutdownGracefully(0, 200, TimeUnit.MILLISECONDS);
        }
    }

    // ---- one attempt: resolve, range, watch ----

    private void connect() {
        if (closed) {
            return;
        }
        int id = ++attempt;
        URI uri = endpoints.get(endpoint);
        Gateway.resolve(uri).whenComplete((address, error) -> loop.execute(() -> {
            if (id != attempt || closed) {
                return;
            }
            if (error != null) {
                fail(uri, "cannot resolve " + uri.getHost() + ": " + Gateway.describe(error));
                return;
            }
            range(id, uri, address);
        }));
    }

    private void range(int id, URI uri, InetSocketAddress address) {
        schedule(id, timings.request(), () -> fail(uri, "no answer to range within " + millis(timings.request())));
        stream = gateway.range(uri, address, key, range -> {
            if (id == attempt) {
                cancelTimer();
                report(range.value(), range.value().isPresent() ? range.modRevision() : range.revision());
                keyRevision = range.modRevision();
                watch(id, uri, address, range.revision() + 1);
            }
        }, reason -> {
            if (id == attempt) {
                fail(uri, "range: " + reason);
            }
        });
    }

    private void watch(int id, URI uri, InetSocketAddress address, long startRevision) {
        watching = false;
        lastMessageNanos = System.nanoTime();
        schedule(id, timings.request(), () -> fail(uri, "watch not created within " + millis(timings.request())));
        stream = gateway.watch(uri, address, key, startRevision, new HttpStream.Sink() {
            @Override
            public void line(String line) {
                if (id == attempt) {
                    message(id, uri, address, line);
                }
            }

            @Override
            public void end() {
                if (id == attempt) {
                    fail(uri, "etcd ended the watch stream");
                }
            }

            @Override
            public void failed(String reason) {
                if (id == attempt) {
                    fail(uri, "watch: " + reason);
                }
            }
        });
    }

    private void message(int id, URI uri, InetSocketAddress address, String line) {
        lastMessageNanos = System.nanoTime();
        EtcdJson.WatchMessage message;
        try {
            message = EtcdJson.watch(line);
        } catch (EtcdJson.BadAnswer e) {
            fail(uri, "watch: " + e.getMessage());
            return;
        }
        if (message instanceof EtcdJson.Failed f) {
            fail(uri, "watch: " + f.message());
            return;
        }
        if (message instanceof EtcdJson.Canceled c) {
            if (c.compactRevision() > 0) {
                LOG.info("etcd watch of {} at {}: revision compacted (now {}), reading the key again", key, uri,
                        c.compactRevision());
                restart(timings.backoffMin());
            } else {
                fail(uri, "etcd canceled the watch" + (c.reason().isEmpty() ? "" : ": " + c.reason()));
            }
            return;
        }
        if (!watching) {
            established(id, uri, address);
        }
        if (message instanceof EtcdJson.Events events) {
            failures = 0;
            for (EtcdJson.Event e : events.events()) {
                report(e.value(), e.modRevision());
                keyRevision = e.value().isPresent() ? e.modRevision() : 0;
            }
        }
    }

    /**
     * The first message of a watch: it is live, so the outage (if any) is over. The backoff is
     * reset only once the watch has proved itself (an event, or a confirming read), so that an
     * endpoint that accepts watches and drops them at once is not hammered.
     */
    private void established(int id, URI uri, InetSocketAddress address) {
        watching = true;
        if (availability != Availability.AVAILABLE) {
            availability = Availability.AVAILABLE;
            LOG.info("etcd watch of {} established at {}", key, uri);
            call(listener::onAvailable);
        }
        schedule(id, timings.confirm(), () -> idle(id, uri, address));
    }

    /**
     * No message for a while. etcd's gateway cannot take progress requests on an open watch (Go's
     * HTTP/1 server answers only once the request body has ended), and etcd's own progress
     * notifications come every ten minutes by default: so the key is read again beside the watch.
     */
    private void idle(int id, URI uri, InetSocketAddress address) {
        long silent = System.nanoTime() - lastMessageNanos;
        if (silent < timings.confirm().toNanos()) {
            schedule(id, timings.confirm().minusNanos(silent), () -> idle(id, uri, address));
            return;
        }
        long asked = lastMessageNanos;
        schedule(id, timings.request(), () -> fail(uri, "no answer to a confirming range within "
                + millis(timings.request())));
        confirmation = gateway.range(uri, address, key, range -> {
            if (id == attempt) {
                confirmed(id, uri, address, range, asked);
            }
        }, reason -> {
            if (id == attempt) {
                fail(uri, "confirming range: " + reason);
            }
        });
    }

    private void confirmed(int id, URI uri, InetSocketAddress address, EtcdJson.Range range, long asked) {
        confirmation = null;
        if (lastMessageNanos == asked && range.modRevision() != keyRevision) {
            LOG.warn("etcd watch of {} at {} missed a change (key at revision {}, watch at {}): watching again",
                    key, uri, range.modRevision(), keyRevision);
            restart(Duration.ZERO);
            return;
        }
        failures = 0;
        lastMessageNanos = System.nanoTime();
        schedule(id, timings.confirm(), () -> idle(id, uri, address));
    }

    // ---- outcomes ----

    private void report(Optional<String> now, long revision) {
        if (now.equals(value)) {
            return;
        }
        value = now;
        LOG.info("etcd: key {} is {} (revision {})", key, now.orElse("<none>"), revision);
        call(() -> listener.onValue(now, revision));
    }

    private void fail(URI uri, String reason) {
        if (closed) {
            return;
        }
        failures++;
        String message = "etcd " + uri + ": " + reason;
        if (availability != Availability.UNAVAILABLE) {
            availability = Availability.UNAVAILABLE;
            value = null; // the listener forgets what it knew: the re-read after the outage is reported
            LOG.warn("etcd watch of {} lost: {}; routing goes on by health checks", key, message);
            call(() -> listener.onUnavailable(message));
        } else {
            LOG.debug("etcd watch of {}: {}", key, message);
        }
        endpoint = (endpoint + 1) % endpoints.size();
        restart(timings.backoff(failures));
    }

    /** Drops the current attempt and starts a new one after {@code delay}. */
    private void restart(Duration delay) {
        teardown();
        int id = attempt;
        timer = loop.schedule(() -> {
            if (id == attempt) {
                connect();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void teardown() {
        attempt++;
        watching = false;
        cancelTimer();
        if (stream != null) {
            stream.close();
            stream = null;
        }
        if (confirmation != null) {
            confirmation.close();
            confirmation = null;
        }
    }

    private void schedule(int id, Duration delay, Runnable task) {
        cancelTimer();
        timer = loop.schedule(() -> {
            if (id == attempt && !closed) {
                task.run();
            }
        }, delay.toNanos(), TimeUnit.NANOSECONDS);
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    private void call(Runnable call) {
        if (closed) {
            return;
        }
        try {
            call.run();
        } catch (RuntimeException e) {
            LOG.warn("etcd watch of {}: listener failed", key, e);
        }
    }

    // ---- helpers ----

    private static String millis(Duration d) {
        return d.toMillis() + " ms";
    }

    @Override
    public String toString() {
        return "EtcdKeyWatch[" + key + " at " + endpoints + ", from " + config.source() + "]";
    }
}
