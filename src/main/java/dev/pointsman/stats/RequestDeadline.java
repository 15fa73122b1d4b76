package dev.pointsman.stats;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * First handler of a stats connection: closes it when no complete answer went out within the
 * deadline from accept, however slowly bytes trickle in (a read-idle timeout alone lets a client
 * keep a connection with one byte every few seconds). Counts bytes for the listener's row.
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private final long deadlineMillis;
    private final ListenerCounters counters;
    private ScheduledFuture<?> timer;

    RequestDeadline(long deadlineMillis, ListenerCounters counters) {
        this.deadlineMillis = deadlineMillis;
        this.counters = counters;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        timer = ctx.executor().schedule(() -> {
            ctx.close();
        }, deadlineMillis, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            counters.bytesIn.add(b.readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            counters.bytesOut.add(b.readableBytes());
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
