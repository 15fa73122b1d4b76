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
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A TCP frontend: its listeners, its maxconn, its counters.
 *
 * <p>Each address of a {@code bind} line is bound once per event loop, with SO_REUSEPORT, where the
 * transport can set it (epoll, io_uring), there are several event loops and the global section does
 * not say {@code noreuseport}; else once, as on NIO. Each such socket accepts on its own event loop
 * and its sessions stay on that loop (client and server channel): no session is handed to another
 * loop at accept. The kernel spreads new connections over the sockets. Like HAProxy, which sets
 * SO_REUSEPORT on its listeners too: another process of the same user that also sets it can bind
 * the same address and port and then takes a share of the connections.
 *
 * <p>Sessions are counted at accept (on the listener's event loop), each taking a slot below the
 * limits first ({@link #enter}), and uncounted when their client channel closes (on any event loop).
 * A count that reaches or leaves a limit wakes the listeners, every socket of every address, which
 * set their autoRead from the counts as they are then ({@link Listener}); nothing else turns a
 * listener's autoRead on or off.
 *
 * <p>A reload keeps the frontend and the sockets whose address stays, binds the new ones first
 * ({@link #listen}), closes the dropped ones ({@link #unlisten}) and sends new sessions to the new
 * backend with the new settings ({@link #retarget}); sessions already accepted are left alone.
 */
public final class Frontend implements SessionOrigin {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");

    /** Replaced whole by a reload ({@link #retarget}); a session reads it once, at accept. */
    private volatile Route route;
    private final ConnectionGate gate;
    private final AcceptErrors acceptErrors;
    /** One per listening socket. */
    private final List<Listener> listeners = new CopyOnWriteArrayList<>();
    /** Each bound address and its sockets, for a reload to keep, add or close by address. */
    private final List<Bound> bound = new CopyOnWriteArrayList<>();
    /** One per socket of an address: one per event loop with SO_REUSEPORT, else one over all loops. */
    private volatile List<ServerBootstrap> bootstraps;

    private record Bound(Bind.Address address, List<Channel> channels) {}

    /** Where new sessions go and what they obey. */
    private record Route(Proxy config, Backend backend, SessionPolicy policy, int maxconn) {}
    private final AtomicInteger feconn = new AtomicInteger();
    private final AtomicInteger maxFeconn = new AtomicInteger();
    private volatile boolean stopped;
    public final LongAdder total = new LongAdder();
    public final SessionRate rate = new SessionRate();
    public final LongAdder bytesIn = new LongAdder();
    public final LongAdder bytesOut = new LongAdder();

    public Frontend(Proxy config, Backend backend, SessionPolicy policy, ConnectionGate gate) {
        this.gate = gate;
        this.route = new Route(config, backend, policy, config.maxconn() > 0 ? config.maxconn() : gate.maxconn());
        this.acceptErrors = new AcceptErrors(config.name(), DescriptorBudget::processLimit, LOG::warn);
        gate.register(this);
    }

    public String name() {
        return route.config().name();
    }

    public Proxy config() {
        return route.config();
    }

    public Backend backend() {
        return route.backend();
    }

    public int maxconn() {
        return route.maxconn();
    }

    /**
     * The kernel's queue of connections not yet accepted, as HAProxy sizes it: the section's
     * {@code backlog}, else its maxconn (the global one when the section sets none). A queue larger
     * than maxconn only holds clients that may have left already: after a burst each dead one is
     * accepted, connected and closed in turn before a live client is reached. Fixed when bound.
     */
    public int backlog() {
        return config().listenBacklog(gate.maxconn());
    }

    /** False once {@link #stopAccepting()} ran (stats show STOP). */
    public boolean accepting() {
        return !stopped;
    }

    public int maxSessions() {
        return maxFeconn.get();
    }

    /** Each bound address once, however many sockets listen there. */
    public List<InetSocketAddress> boundAddresses() {
        return listeners.stream().map(l -> (InetSocketAddress) l.channel().localAddress()).distinct().toList();
    }

    /**
     * Binds every address of every {@code bind} line; a port that cannot be bound is fatal.
     *
     * @param reusePort false with the global {@code noreuseport}: one socket per address
     */
    public void bind(Transport transport, EventLoopGroup group, boolean reusePort) throws BindFailedException {
        bootstraps = bootstraps(transport, group, reusePort);
        listen(config(), config().binds().stream().flatMap(b -> b.addresses().stream()).toList());
    }

    /** One bootstrap per socket of an address: one per event loop with SO_REUSEPORT, else one over them all. */
    private List<ServerBootstrap> bootstraps(Transport transport, EventLoopGroup group, boolean reusePort) {
        List<EventLoop> loops = new ArrayList<>();
        group.forEach(e -> loops.add((EventLoop) e));
        Optional<ChannelOption<Boolean>> option = transport.reusePort().filter(o -> reusePort && loops.size() > 1);
        if (option.isEmpty()) {
            return List.of(bootstrap(transport, group));
        }
        // each socket and the sessions it accepts on one loop
        return loops.stream().map(loop -> bootstrap(transport, loop).option(option.get(), true)).toList();
    }

    private ServerBootstrap bootstrap(Transport transport, EventLoopGroup group) {
        ServerBootstrap b = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                .option(ChannelOption.SO_BACKLOG, backlog())
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        Listener listener = new Listener(ch, Frontend.this::admits, Frontend.this::enter);
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
                        Route r = route;
                        ch.pipeline().addLast(Session.clientHandler(r.backend(), r.policy(), Frontend.this));
                    }
                });
        if (config().clientKeepalive()) {
            b.childOption(ChannelOption.SO_KEEPALIVE, true);
        }
        return b;
    }

    /**
     * Binds {@code addresses} besides those already bound (at start, or a reload's new ones, which
     * {@code from}'s {@code bind} lines name in errors), each with all its sockets (port 0: the first
     * gets a port, the others bind that one). All or nothing: when one cannot be bound, those this
     * call bound are closed again and the error says which and where.
     *
     * @return closes what this call bound (a reload that fails further on)
     */
    public Runnable listen(Proxy from, List<Bind.Address> addresses) throws BindFailedException {
        List<Bound> opened = new ArrayList<>();
        for (Bind.Address a : addresses) {
            List<Channel> sockets = new ArrayList<>();
            try {
                InetSocketAddress target = a.host().map(h -> new InetSocketAddress(h, a.port()))
                        .orElseGet(() -> new InetSocketAddress(a.port()));
                // before binding: a socket bound there would share the port and accept the other
                // section's clients until the refusal (served by this section's backend, or reset)
                refuseAnotherSectionOn(target);
                for (ServerBootstrap bootstrap : bootstraps) {
                    ChannelFuture binding = bootstrap.bind(target);
                    sockets.add(binding.channel()); // registered, with its listener, before the bind may fail
                    Channel ch = binding.sync().channel();
                    if (target.getPort() == 0) {
                        target = new InetSocketAddress(target.getAddress(), ((InetSocketAddress) ch.localAddress()).getPort());
                    }
                }
                if (a.port() == 0) {
                    refuseAnotherSectionOn(target); // the port the kernel chose
                }
                Bound b = new Bound(a, List.copyOf(sockets));
                opened.add(b);
                bound.add(b);
            } catch (Exception e) {
                unbind(new Bound(a, sockets));
                unbind(opened);
                String source = from.binds().stream().filter(b -> b.addresses().contains(a)).findFirst()
                        .map(b -> b.source().toString()).orElse(from.source().toString());
                String why = e instanceof AddressTaken ? e.getMessage() : e.getMessage() + " (is another process listening there?)";
                throw new BindFailedException(String.format("[%s] : '%s': cannot bind %s:%d: %s",
                        source, from.name(), a.host().orElse("*"), a.port(), why), e);
            }
        }
        return () -> unbind(opened);
    }

    /**
     * Another frontend of this process that listens on {@code at} (same port, same address or a
     * wildcard): with SO_REUSEPORT on both sockets the kernel would let both bind and share the
     * connections, where one socket each refused the second. The configuration check catches the
     * same spelling; this catches two spellings of one address (a host name and its address).
     */
    private Optional<String> listenerOn(InetSocketAddress at) {
        return gate.frontends().stream().filter(f -> f != this)
                .filter(f -> f.boundAddresses().stream().anyMatch(b -> b.getPort() == at.getPort()
                        && (b.getAddress().equals(at.getAddress()) || b.getAddress().isAnyLocalAddress()
                        || at.getAddress().isAnyLocalAddress())))
                .map(Frontend::name).findFirst();
    }

    /** {@link #listen}: refuses {@code target} when another section listens there (port 0: nothing to check yet). */
    private void refuseAnotherSectionOn(InetSocketAddress target) throws AddressTaken {
        if (target.getPort() != 0 && !target.isUnresolved()) {
            Optional<String> other = listenerOn(target);
            if (other.isPresent()) {
                throw new AddressTaken(other.get());
            }
        }
    }

    /** {@link #listen}: the address is another section's. */
    private static final class AddressTaken extends Exception {
        AddressTaken(String section) {
            super("section '" + section + "' listens there");
        }
    }

    /**
     * A reload dropped {@code addresses} (one bound address, with all its sockets, per occurrence):
     * they stop accepting and close; the sessions they accepted go on.
     */
    public List<Bind.Address> unlisten(List<Bind.Address> addresses) {
        List<Bound> closing = new ArrayList<>();
        List<Bound> left = new ArrayList<>(bound);
        // the same address twice (port 0): a reload keeps the earliest ones, so the latest close
        java.util.Collections.reverse(left);
        for (Bind.Address a : addresses) {
            left.stream().filter(b -> b.address().equals(a)).findFirst().ifPresent(b -> {
                left.remove(b);
                closing.add(b);
            });
        }
        List<Bind.Address> closed = new ArrayList<>();
        for (Bound b : closing) {
            if (unbind(b)) {
                closed.add(b.address());
            }
        }
        return closed;
    }

    /**
     * Closes the sockets; off the event loops (a reload), returns once they are closed (at most
     * {@link #CLOSE_BOUND} each), so that a reload reported done, or undone, no longer accepts on them.
     */
    private void unbind(List<Bound> gone) {
        gone.forEach(this::unbind);
    }

    /** Closes one address's sockets as {@link #unbind(List)} does; false (and logged) when one was not closed in time. */
    private boolean unbind(Bound b) {
        bound.remove(b);
        listeners.removeIf(l -> b.channels().contains(l.channel()));
        boolean closed = true;
        for (Channel ch : b.channels()) {
            closed &= closeAndWait(ch);
        }
        return closed;
    }

    /** How long closing a listening socket is waited for, off the event loops. */
    static final java.time.Duration CLOSE_BOUND = java.time.Duration.ofSeconds(1);

    /**
     * Closes a listening socket; off its event loop, waits at most {@link #CLOSE_BOUND} for it to be
     * closed. False, with a warning naming the address, when the bound ran out: it may still accept
     * until its loop gets to the close.
     */
    private boolean closeAndWait(Channel ch) {
        ChannelFuture closed = ch.close();
        if (ch.eventLoop().inEventLoop() || closed.awaitUninterruptibly(CLOSE_BOUND.toMillis())) {
            return true;
        }
        LOG.warn("frontend {}: the listener on {} is not closed after {} ms (its event loop is busy); it may accept"
                + " connections until it is", name(), ch.localAddress(), CLOSE_BOUND.toMillis());
        return false;
    }

    /**
     * A reload: new sessions follow {@code next}'s settings (maxconn, client timeouts, logging) to
     * {@code newBackend} from now on; sessions already accepted keep what they started with.
     */
    public void retarget(Proxy next, Backend newBackend, SessionPolicy newPolicy) {
        route = new Route(next, newBackend, newPolicy, next.maxconn() > 0 ? next.maxconn() : gate.maxconn());
        wake();
    }

    /**
     * Closes the listeners; live sessions continue. Off the event loops (a reload removing this
     * frontend, or undoing its addition), returns once they are closed, at most {@link #CLOSE_BOUND}
     * each (logged when it runs out).
     */
    public void stopAccepting() {
        stopped = true;
        listeners.forEach(l -> closeAndWait(l.channel()));
    }

    /** True while the frontend may take another session: not stopped, below its maxconn and the process's. Any thread. */
    boolean admits() {
        return !stopped && feconn.get() < maxconn() && !gate.full();
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
     * One accepted connection that took its slot ({@link #enter}), set up now and uncounted when it
     * closes. Runs on the listener's event loop.
     */
    void accepted(Channel child) {
        total.increment();
        rate.event(System.nanoTime());
        child.closeFuture().addListener(f -> leave());
        if (child.remoteAddress() instanceof InetSocketAddress client && child.localAddress() instanceof InetSocketAddress local) {
            Route r = route;
            r.policy().accessLog().connected(client, local, r.config().name());
        }
    }

    /**
     * Takes a session slot: false, taking none, when stopped or at this frontend's maxconn or the
     * process's. Several sockets accept at once on their loops: both counts are checked and raised
     * under the gate's lock, so neither ever passes its limit, not even for a moment that another
     * loop could see (a slot taken and given back when the other count was full made that loop's
     * waiting connection fail and wake this loop's, which failed and woke it again, without end,
     * while the process stayed at its limit). Lowering a count takes no lock: a loop that saw it
     * before is woken after it ({@link #leave}). Reaching a limit wakes the listeners (every
     * frontend's at the process's limit), so that at a limit each accept loop stops after this
     * connection. Any thread (a listener's event loop).
     */
    boolean enter() {
        int n;
        synchronized (gate) {
            if (stopped || feconn.get() >= maxconn() || !gate.enter()) {
                return false;
            }
            n = feconn.incrementAndGet();
        }
        maxFeconn.accumulateAndGet(n, Math::max);
        if (gate.full()) {
            gate.wakeAll();
        } else if (n >= maxconn()) {
            wake();
        }
        return true;
    }

    /** One session fewer (counted on close, so no path can leak a slot); leaving a limit wakes the listeners. */
    void leave() {
        int before = feconn.getAndDecrement();
        if (gate.leave()) {
            gate.wakeAll();
        } else if (before >= maxconn()) {
            wake();
        }
    }
}
