package dev.pointsman.frontend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First handler of a listener's pipeline: hands each accepted connection to the frontend to be
 * counted, and turns an accept error into the listener's back-off.
 *
 * <p>The error stops here: Netty's ServerBootstrapAcceptor, next in the pipeline, would otherwise
 * turn autoRead off for a second and then back on regardless of maxconn; the {@link Listener}
 * alone decides autoRead.
 */
final class AcceptGate extends ChannelInboundHandlerAdapter {
    private final Frontend frontend;
    private final Listener listener;

    AcceptGate(Frontend frontend, Listener listener) {
        this.frontend = frontend;
        this.listener = listener;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object child) {
        try {
            frontend.accepted((Channel) child);
        } finally {
            ctx.fireChannelRead(child); // registered whatever happened: a counted child must reach its close
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        frontend.acceptFailed(listener, cause);
    }
}
