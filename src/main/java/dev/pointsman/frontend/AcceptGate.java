package dev.pointsman.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * First handler of a listener's pipeline: hands each accepted connection that took a session slot
 * on to be counted and set up (one at a limit waits in the {@link Listener} for a slot), and
 * turns an accept error into a report (rate-limited, {@link AcceptErrors}) and the listener's
 * back-off.
 *
 * <p>The error stops here: Netty's ServerBootstrapAcceptor, next in the pipeline, would otherwise
 * turn autoRead off for a second and then back on regardless of maxconn; the {@link Listener}
 * alone decides autoRead.
 */
public final class AcceptGate extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger("pointsman");

    private final Listener listener;
    private final AcceptErrors errors;
    private final Consumer<Channel> accepted;
    private ChannelHandlerContext ctx;

    AcceptGate(Listener listener, AcceptErrors errors, Consumer<Channel> accepted) {
        this.listener = listener;
        this.errors = errors;
        this.accepted = accepted;
        listener.handOn(this::handOn);
    }

    /**
     * Guards a listening socket that is not a proxy's (a stats listener, which admits or refuses its
     * connections itself): an accept error (out of descriptors) is reported, rate-limited, and pauses
     * it for {@link Listener#ACCEPT_BACKOFF}, as on a proxy's listener. Call from the server channel's
     * initializer (its {@code handler}), so that the gate comes before Netty's acceptor.
     */
    public static void install(Channel server, String proxy) {
        Listener listener = new Listener(server, () -> true);
        server.pipeline().addLast(new AcceptGate(listener,
                new AcceptErrors(proxy, DescriptorBudget::processLimit, LOG::warn), child -> { }));
        listener.wake();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        if (listener.take((Channel) child)) {
            handOn((Channel) child);
        }
    }

    /** A connection that took its slot: counted, then registered. Event loop only. */
    private void handOn(Channel child) {
        try {
            accepted.accept(child);
        } finally {
            ctx.fireChannelRead(child); // registered whatever happened: a counted child must reach its close
        }
    }

    /** An accept failed (on the listener's event loop): report it (rate-limited) and back off. */
    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        errors.failed(listener.channel().localAddress(), cause, listener.now());
        listener.acceptFailed();
    }
}
