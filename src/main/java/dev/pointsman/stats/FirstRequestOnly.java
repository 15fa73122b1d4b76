package dev.pointsman.stats;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;

/**
 * Between the HTTP decoder and the aggregator of a stats connection: lets its first request through
 * and drops whatever the decoder makes of anything sent after it. One request per connection: a
 * pipelined request is neither rendered nor answered, and the aggregator never sees it, so it cannot
 * write an interim answer (100, 413, 417) for it either. {@link RequestDeadline} stops reading once
 * the first request is complete; this drops the rest of what was read with it.
 *
 * <p>Owner: the connection's event loop.
 */
final class FirstRequestOnly extends ChannelInboundHandlerAdapter {
    private boolean started;
    private boolean over;

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof HttpRequest) {
            over |= started;
            started = true;
        }
        if (over) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
