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
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** A TCP frontend: its listeners, its maxconn, its counters. */
public final class Frontend implements SessionOrigin {
    private final Proxy config;
    private final Backend backend;
    private final SessionPolicy policy;
    private final ConnectionGate gate;
    private final int maxconn;
    private final List<Channel> listeners = new ArrayList<>();
    private final AtomicInteger feconn = new AtomicInteger();
    private final AtomicInteger maxFeconn = new AtomicInteger();
    private volatile boolean paused;
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
        return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
    }

    /** Binds every address of every {@code bind} line; a port that cannot be bound is fatal. */
    public void bind(Transport transport, EventLoopGroup group) throws BindFailedException {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, Math.max(128, Math.min(maxconn, 4096)))
                .handler(new AcceptGate())
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
                    listeners.add(b.bind(target).sync().channel());
                } catch (Exception e) {
                    listeners.forEach(Channel::close);
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
        listeners.forEach(Channel::close);
    }

    void pause() {
        paused = true;
        listeners.forEach(c -> c.config().setAutoRead(false));
    }

    void resumeIfBelowLimit() {
        if (paused && !stopped && feconn.get() < maxconn && !gate.full()) {
            paused = false;
            listeners.forEach(c -> c.config().setAutoRead(true));
        }
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

    /** An accepted channel closed: one session fewer (counted on close, so no path can leak a slot). */
    private void ended() {
        int before = feconn.getAndDecrement();
        gate.leave();
        if (before == maxconn) {
            resumeIfBelowLimit();
        }
    }

    /** Counts each accepted connection before it is set up; stops accepting at the limit. */
    @ChannelHandler.Sharable
    private final class AcceptGate extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object child) {
            total.increment();
            rate.event(System.nanoTime());
            int n = feconn.incrementAndGet();
            maxFeconn.accumulateAndGet(n, Math::max);
            boolean globalFull = gate.enter();
            if (globalFull) {
                gate.pauseAll();
            } else if (n >= maxconn) {
                pause();
            }
            Channel ch = (Channel) child;
            ch.closeFuture().addListener(f -> ended());
            if (ch.remoteAddress() instanceof InetSocketAddress client && ch.localAddress() instanceof InetSocketAddress local) {
                policy.accessLog().connected(client, local, config.name());
            }
            ctx.fireChannelRead(child);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // accept errors (e.g. EMFILE) must not close the listener; the next accept retries
        }
    }
}
