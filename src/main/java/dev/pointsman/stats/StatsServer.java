package dev.pointsman.stats;

import dev.pointsman.config.Bind;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.StatsConfig;
import dev.pointsman.frontend.AcceptGate;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.frontend.DescriptorBudget;
import dev.pointsman.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.handler.codec.http.HttpMessage;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpServerCodec;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP listener of one {@code listen} section with {@code mode http} and {@code stats enable},
 * on one of the proxy's event loops. Bounded so that stats clients never slow proxying, never take
 * the descriptors of checks and sessions, and slow clients never blind the page:
 * <ul>
 *   <li>a small request (8 kB of headers, 8 kB of body: a page action's form), one request per connection: what is pipelined
 *       after it is dropped unread ({@link FirstRequestOnly}), reading stops once it is complete and
 *       while the connection cannot be written to, and a refusal closes at once ({@link RequestDeadline});
 *   <li>a request deadline ({@code timeout http-request}; unset: {@code timeout client} capped at
 *       {@link #MAX_DEADLINE}) and an answer deadline ({@code timeout client} capped likewise);
 *   <li>at most {@link #limit(Proxy, DescriptorBudget)} connections: when full, the oldest incomplete request, else the
 *       oldest answer its client does not read, gives way ({@link Admission}); stats connections are
 *       not counted in the global maxconn;
 *   <li>accept errors pause the listener and are reported, as on a proxy's listener ({@link AcceptGate});
 *   <li>rendering on one separate thread with a short queue, from a collection at most
 *       {@link #FRESH} old.
 * </ul>
 */
public final class StatsServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("admin");
    static final int MAX_REQUEST_BYTES = 8192;
    static final Duration MAX_DEADLINE = Duration.ofSeconds(10);
    static final Duration CLOSE_BOUND = Duration.ofSeconds(1);
    /** How long one collection of the stats serves the pages rendered after it. */
    static final Duration FRESH = Duration.ofMillis(100);

    /** Replaced by a reload that changes the section's settings, not its addresses or maxconn. */
    private volatile Proxy proxy;
    private final Stats stats;
    private final ListenerCounters counters;
    private final ThreadPoolExecutor renderer;
    private volatile Optional<String> node;
    private volatile Optional<String> version;
    private final List<Channel> listeners = new ArrayList<>();
    private final Admission admission;
    private EventLoop loop;
    /** Renderer thread only: the last collection, and when it was made. */
    private List<ProxyBlock> collected;
    private long collectedAt;

    /** Not yet bound ({@link #start} binds; a test may hand it connections through {@link #serve}). */
    StatsServer(Proxy proxy, Stats stats, int limit) {
        this.proxy = proxy;
        this.stats = stats;
        this.counters = stats.listener(proxy.name(), limit);
        this.admission = new Admission(counters);
        this.renderer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(16), r -> {
            Thread t = new Thread(r, "pointsman-stats-" + proxy.name());
            t.setDaemon(true);
            return t;
        }, new ThreadPoolExecutor.AbortPolicy());
        describe(proxy);
    }

    private void describe(Proxy p) {
        this.node = p.stats().showNode().map(n -> n.isEmpty() ? hostName() : n);
        this.version = p.stats().hideVersion() ? Optional.empty() : Optional.of(dev.pointsman.Version.current());
    }

    /**
     * A reload changed the section's settings (uri, auth, admin, refresh, realm, timeouts...) but not
     * its addresses or maxconn: new requests follow them, the sockets and held connections stay.
     */
    public void reconfigure(Proxy next) {
        if (!next.name().equals(proxy.name())) {
            throw new IllegalArgumentException("stats listener " + proxy.name() + " cannot serve section " + next.name());
        }
        describe(next);
        this.proxy = next;
        outdated = true;
    }

    /** Binds every address of the section; a port that cannot be bound is fatal, as for proxies. */
    public static StatsServer start(Proxy proxy, Stats stats, DescriptorBudget descriptors, Transport transport,
            EventLoopGroup group) throws BindFailedException {
        StatsServer s = new StatsServer(proxy, stats, limit(proxy, descriptors));
        try {
            s.bind(transport, group);
        } catch (BindFailedException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /**
     * HAProxy's stats listener takes the global maxconn (a section's own maxconn may only raise it), but
     * here never more connections than the descriptor budget leaves it: stats connections are not
     * counted in the global maxconn, so this alone keeps them from the descriptors of checks and sessions.
     */
    static int limit(Proxy proxy, DescriptorBudget descriptors) {
        return Math.min(Math.max(proxy.maxconn(), descriptors.maxconn()), descriptors.statsConnections());
    }

    /** How long a client may take to send its whole request: {@code timeout http-request}, as set; unset: the answer deadline. */
    static Duration requestDeadline(Proxy proxy) {
        return proxy.timeouts().httpRequest().orElseGet(() -> answerDeadline(proxy));
    }

    /** How long the answer may take to go out once the request is complete: {@code timeout client}, capped. */
    static Duration answerDeadline(Proxy proxy) {
        return proxy.timeouts().client().filter(d -> d.compareTo(MAX_DEADLINE) < 0).orElse(MAX_DEADLINE);
    }

    private void bind(Transport transport, EventLoopGroup group) throws BindFailedException {
        // One loop accepts and serves every connection of this listener: it alone owns the admission.
        loop = group.next();
        ServerBootstrap b = new ServerBootstrap().group(loop, loop).channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        AcceptGate.install(ch, proxy.name()); // out of descriptors: report and pause, as proxies do
                    }
                })
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        serve(ch, renderer);
                    }
                });
        for (Bind bind : proxy.binds()) {
            for (int port = bind.firstPort(); port <= bind.lastPort(); port++) {
                InetSocketAddress target = bind.host().map(h -> new InetSocketAddress(h, 0).getAddress())
                        .map(a -> new InetSocketAddress(a, 0)).orElse(new InetSocketAddress(0));
                target = new InetSocketAddress(target.getAddress(), port);
                try {
                    listeners.add(b.bind(target).sync().channel());
                } catch (Exception e) {
                    throw new BindFailedException(String.format(
                            "[%s] : '%s': cannot bind %s:%d for the stats page: %s (is another process listening there?)",
                            bind.source(), proxy.name(), bind.host().orElse("*"), port, e.getMessage()), e);
                }
            }
        }
    }

    /**
     * Sets up one accepted connection, or closes it when the full listener refuses it. On the
     * listener's loop (or, in a test, the connection's own).
     */
    void serve(Channel ch, Executor pages) {
        RequestDeadline deadline = new RequestDeadline(Math.max(1, requestDeadline(proxy).toMillis()),
                Math.max(1, answerDeadline(proxy).toMillis()), counters, admission);
        if (!admission.admit(deadline)) {
            ch.close();
            return;
        }
        ch.pipeline().addLast(deadline,
                new HttpServerCodec(4096, MAX_REQUEST_BYTES, MAX_REQUEST_BYTES),
                new FirstRequestOnly(),
                // closes after a failed expectation (417, or 413 to a 100-continue); a body announced
                // too large is refused (413) and closed by the deadline
                new HttpObjectAggregator(MAX_REQUEST_BYTES, true) {
                    @Override
                    protected void handleOversizedMessage(ChannelHandlerContext ctx, HttpMessage m) {
                        // HAProxy answers a page action whose body it cannot hold ;st=EXCD, and one it
                        // denies ;st=DENY without reading the body; anything else is 413
                        StatsRoute route = m instanceof HttpRequest r ? StatsHandler.route(ctx.channel(), r, proxy.stats()) : null;
                        Optional<String> seeOther = route == null ? Optional.empty() : switch (route.kind()) {
                            case ACTION -> Optional.of(redirect(route, PageStatus.EXCD));
                            case DENY -> Optional.of(redirect(route, PageStatus.DENY));
                            default -> Optional.empty();
                        };
                        deadline.tooLarge(seeOther);
                    }
                },
                new StatsHandler(this, pages, deadline));
    }

    public String proxyName() {
        return proxy.name();
    }

    public List<InetSocketAddress> boundAddresses() {
        return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /** The listening sockets. */
    List<Channel> listeners() {
        return listeners;
    }

    StatsConfig config() {
        return proxy.stats();
    }

    /** What the page's server actions apply through. */
    PageActions actions() {
        return stats.actions();
    }

    ListenerCounters counters() {
        return counters;
    }

    String csv() {
        return CsvOutput.render(collect());
    }

    String json() {
        return JsonOutput.render(collect(), version, node, stats.uptimeSeconds(), stats.clusters());
    }

    String metrics() {
        return PromOutput.render(collect());
    }

    /**
     * @param admin  the client may act (the page offers the server actions and the alerts' button)
     * @param status the outcome of the POST that redirected here
     */
    String html(boolean refresh, boolean admin, Optional<PageStatus> status) {
        Optional<Long> every = refresh ? proxy.stats().refresh().map(d -> Math.max(1, d.toSeconds())) : Optional.empty();
        return HtmlPage.render(collect(), new HtmlPage.Header(proxy.stats().uri(), version, node, stats.uptimeSeconds(),
                every, admin, status, proxy.stats().uri() + noRefresh(refresh)));
    }

    /** HAProxy's answer to a POST of the page's actions: {@code <uri>;st=CODE}, keeping {@code ;norefresh}. */
    String redirect(StatsRoute route, PageStatus status) {
        return proxy.stats().uri() + ";st=" + status.name() + noRefresh(route.refresh());
    }

    private String noRefresh(boolean refresh) {
        return proxy.stats().refresh().isPresent() && !refresh ? ";norefresh" : "";
    }

    /**
     * Applies a POST of the page's server actions through the runtime API's path, one server after
     * the other in HAProxy's order; completes with HAProxy's verdict once every change is in force
     * (a server the change fails for counts as not altered).
     *
     * @param client who asked, for the log line
     */
    CompletionStage<PageStatus> apply(PagePost post, String client) {
        PageActions actions = actions();
        post.unsupported().ifPresent(word -> LOG.warn("stats page {}: action '{}' from {} is HAProxy's; Pointsman applies"
                + " ready, drain, maint and shutdown only (answered ERRP)", proxy.name(), word, client));
        CompletionStage<Integer> altered = CompletableFuture.completedFuture(0);
        if (post.backend().isPresent() && post.action().isPresent()) {
            String backend = post.backend().get();
            PageActions.Action action = post.action().get();
            for (String server : post.servers()) {
                altered = altered.thenCompose(n -> {
                    CompletionStage<Boolean> one;
                    try {
                        one = actions.apply(backend, server, action);
                    } catch (RuntimeException e) {
                        one = CompletableFuture.failedFuture(e);
                    }
                    return one.handle((ok, failure) -> n + (failure == null && Boolean.TRUE.equals(ok) ? 1 : 0));
                });
            }
        }
        return altered.thenApply(n -> {
            outdated = true; // the page the 303 leads to must show the change
            PageStatus status = post.status(n);
            LOG.info("stats page {}: action '{}' on backend {} servers {} from {}: {}", proxy.name(),
                    post.action().map(a -> a.word).orElse(""), printable(post.backend().orElse("-")),
                    printable(post.servers().toString()), client,
                    status);
            return status;
        });
    }

    /** {@code text} with control characters as {@code \xHH}: names from a form cannot forge log lines. */
    static String printable(String text) {
        StringBuilder sb = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (Character.isISOControl(c)) {
                sb.append(String.format("\\x%02x", c));
            } else {
                sb.appendCodePoint(c);
            }
        });
        return sb.toString();
    }

    /** Acknowledges the split-brain alerts of {@code backend} (all when empty); see {@link AlertBoard}. */
    java.util.concurrent.CompletionStage<Integer> acknowledge(Optional<String> backend) {
        return stats.alerts().acknowledge(backend).thenApply(n -> {
            outdated = true; // the page the 303 leads to must not come from a collection made before
            return n;
        });
    }

    private volatile boolean outdated;

    /**
     * The stats, collected at most {@link #FRESH} ago: a flood of requests costs one collection per
     * 100 ms, not one per request. Renderer thread only.
     */
    private List<ProxyBlock> collect() {
        long now = stats.nanoTime();
        if (collected == null || outdated || now - collectedAt >= FRESH.toNanos()) {
            outdated = false;
            collected = stats.collect();
            collectedAt = now;
        }
        return collected;
    }

    /**
     * Stops accepting and closes every held connection, on the listener's loop, waiting (at most
     * {@link #CLOSE_BOUND}) until their handlers have run: their half-read requests are released here,
     * not left to the event loops' shutdown, which lost some (Netty reported their buffers as leaks).
     */
    @Override
    public void close() {
        counters.open = false;
        listeners.forEach(Channel::close);
        if (loop != null && !loop.isShuttingDown()) {
            long deadline = System.nanoTime() + CLOSE_BOUND.toNanos();
            loop.submit(admission::closeAll).awaitUninterruptibly(CLOSE_BOUND.toMillis());
            // Each close fires channelInactive in a task of its own, queued before this one.
            loop.submit(() -> { }).awaitUninterruptibly(Math.max(0, (deadline - System.nanoTime()) / 1_000_000));
        }
        renderer.shutdownNow();
    }

    @Override
    public String toString() {
        return "stats listener " + proxy.name();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }
}
