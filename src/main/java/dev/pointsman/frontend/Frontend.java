package dev.pointsman.frontend;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Session;
import dev.pointsman.backend.SessionOrigin;
import dev.pointsman.backend.SessionPolicy;
import dev.pointsman.backend.SessionRate;
import dev.pointsman.config.Bind;
import dev.pointsman.config.Proxy;
import dev.pointsman.net.Transport;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP frontend: its listeners, its maxconn, its counters.
 *
 * <p>Sessions are counted at accept (on the listener's event loop) and uncounted when their client
 * channel closes (on any event loop). A count that reaches or leaves a limit wakes the listeners,
 * which set their autoRead from the counts as they are then ({@link Listener}); nothing else turns a
 * listener's autoRead on or off.
 */
public final class Frontend implements SessionOrigin {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");

    private final Proxy config;
    private final Backend backend;
    private final SessionPolicy policy;
    private final ConnectionGate gate;
    private final int maxconn;
    private final AcceptErrors acceptErrors;
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicInteger feconn = new AtomicInteger();
    private final AtomicInteger maxFeconn = new AtomicInteger();
    private volatile boolean stopped;
    public final LongAdder total = new LongAdder();
    public final SessionRate rate = new SessionRate();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();

    public Frontend(Proxy config, Backend backend, SessionPolicy policy, ConnectionGate gate) {
        this.config = config;
        this.backend = backend;
        this.policy = policy;
        this.gate = gate;
        this.maxconn = config.maxconn() > 0 ? config.maxconn() : gate.maxconn();
        this.acceptErrors = new AcceptErrors(config.name(), DescriptorBudget::processLimit, LOG::warn);
        gate.register(this);
    }

    public String name() {
        return config.name();
    }

    public Proxy config() {
        return config;
    }

    public Backend backend() {
        return backend;
    }

    public int maxconn() {
        return maxconn;
    }

    /** False once {@link #stopAccepting()} ran (stats show STOP). */
    public boolean accepting() {
        return !stopped;
    }

    public int maxSessions() {
        return maxFeconn.get();
    }

    public List<InetSocketAddress> boundAddresses() {
        return listeners.stream().map(l -> (InetSocketAddress) l.channel().localAddress()).toList();
    }

    /** Binds every address of every {@code bind} line; a port that cannot be bound is fatal. */
    public void bind(Transport transport, EventLoopGroup group) throws BindFailedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, Math.max(128, Math.min(maxconn, 4096)))
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Listener listener = new Listener(ch, Frontend.this::admits);
                        ch.pipeline().addLast(new AcceptGate(listener, acceptErrors, Frontend.this::accepted));
                        listeners.add(listener);
                        listener.wake();
                    }
                })
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                // TCP_NODELAY is on in every socket Netty makes; SO_KEEPALIVE is off unless asked for:
                // setting either again would cost a system call per connection
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(Session.clientHandler(backend, policy, Frontend.this));
                    }
                });
        if (config.clientKeepalive()) {
            b.childOption(ChannelOption.SO_KEEPALIVE, true);
        }
        for (Bind bind : config.binds()) {
            for (int port = bind.firstPort(); port <= bind.lastPort(); port++) {
                int p = port;
                InetSocketAddress target = bind.host().map(h -> new InetSocketAddress(h, p))
                        .orElseGet(() -> new InetSocketAddress(p));
                try {
                    b.bind(target).sync();
                } catch (Exception e) {
                    listeners.forEach(l -> l.channel().close());
                    throw new BindFailedException(String.format(
                            "[%s] : '%s': cannot bind %s:%d: %s (is another process listening there?)",
                            bind.source(), config.name(), bind.host().orElse("*"), port, e.getMessage()), e);
                }
            }
        }
    }

    /** Closes the listeners; live sessions continue. */
    public void stopAccepting() {
        stopped = true;
        listeners.forEach(l -> l.channel().close());
    }

    /** True while the frontend may take another session: not stopped, below its maxconn and the process's. */
    boolean admits() {
        return !stopped && feconn.get() < maxconn && !gate.full();
    }

    List<Listener> listeners() {
        return listeners;
    }

    /** True while every listener accepts (autoRead on). */
    boolean listening() {
        return !listeners.isEmpty() && listeners.stream().allMatch(Listener::accepting);
    }

    /** A count changed near a limit: every listener sets its autoRead from the counts. Any thread. */
    void wake() {
        listeners.forEach(Listener::wake);
    }

    @Override
    public int actconn() {
        return gate.actconn();
    }

    @Override
    public int feconn() {
        return feconn.get();
    }

    @Override
    public void bytes(long fromClient, long toClient) {
        bytesIn.add(fromClient);
        bytesOut.add(toClient);
    }

    /**
     * One accepted connection, counted before it is set up and uncounted when it closes. Runs on
     * the listener's event loop, so at a limit the accept loop stops after this connection.
     */
    void accepted(Channel child) {
        total.increment();
        rate.event(System.nanoTime());
        enter();
        child.closeFuture().addListener(f -> leave());
        if (child.remoteAddress() instanceof InetSocketAddress client && child.localAddress() instanceof InetSocketAddress local) {
            policy.accessLog().connected(client, local, config.name());
        }
    }

    /** One session more; reaching a limit wakes the listeners (every frontend's at the process's limit). */
    void enter() {
        int n = feconn.incrementAndGet();
        maxFeconn.accumulateAndGet(n, Math::max);
        if (gate.enter()) {
            gate.wakeAll();
        } else if (n >= maxconn) {
            wake();
        }
    }

    /** One session fewer (counted on close, so no path can leak a slot); leaving a limit wakes the listeners. */
    void leave() {
        int before = feconn.getAndDecrement();
        if (gate.leave()) {
            gate.wakeAll();
        } else if (before >= maxconn) {
            wake();
        }
    }
}
