package dev.pointsman.stats;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpExpectationFailedEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * First handler of a stats connection: bounds the time a client may take. Until its request is
 * complete, the request deadline (HAProxy's {@code timeout http-request}) runs from accept, however
 * slowly bytes trickle in (a read-idle timeout alone lets a client keep a connection with one byte
 * every few seconds); when it passes, the client gets 408 and the connection closes, as in HAProxy.
 * Once the request is complete, the answer must be out within the answer deadline, else the
 * connection closes (a client that does not read); while it is being written, a full listener may
 * close it to make room ({@link Admission}). Counts bytes for the listener's row.
 *
 * <p>Reads stop once the request is complete (one request per connection), once it is refused, and
 * while the connection cannot be written to. A refusal (408, 413, 417, 503) writes what can be
 * flushed now and closes at once: nothing waits on a client that does not read.
 *
 * <p>Owner: the connection's event loop (the listener's one loop, see {@link Admission}).
 */
final class RequestDeadline extends ChannelDuplexHandler {
    private final long requestMillis;
    private final long answerMillis;
    private final ListenerCounters counters;
    private final Admission admission;
    private ChannelHandlerContext ctx;
    private ScheduledFuture<?> timer;
    private boolean requestComplete;
    private boolean sending;
    private boolean refused;

    RequestDeadline(long requestMillis, long answerMillis, ListenerCounters counters, Admission admission) {
        this.requestMillis = requestMillis;
        this.answerMillis = answerMillis;
        this.counters = counters;
        this.admission = admission;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        timer = ctx.executor().schedule(this::requestTimedOut, requestMillis, TimeUnit.MILLISECONDS);
    }

    /** The whole request arrived (called by the handler that answers it): now the answer deadline runs. */
    void requestComplete() {
        if (requestComplete || refused) {
            return;
        }
        requestComplete = true;
        admission.answering(this);
        stopReading();
        timer.cancel(false);
        timer = ctx.executor().schedule(() -> {
            ctx.close();
        }, answerMillis, TimeUnit.MILLISECONDS);
    }

    /** Closes the connection (the listener is closing). */
    void close() {
        if (ctx != null) {
            ctx.close();
        }
    }

    /** True once this connection was refused here (408, 413, 417, 503): whatever the codec still makes of it is dropped. */
    boolean refused() {
        return refused;
    }

    /** The listener is full and this is its oldest incomplete request: it gives way to a new connection. */
    void evict() {
        refuse("503 Service Unavailable", "the stats listener is full (maxconn " + counters.limit
                + ") and this request was the oldest not yet complete");
    }

    /**
     * The listener is full and this connection's answer, the oldest still being written, has not gone
     * out: its client does not read it. Closed at once.
     */
    void cut() {
        if (refused) {
            return;
        }
        giveUp();
        ctx.close();
    }

    /**
     * The request announces a body larger than the listener takes (the aggregator found it): 413, or
     * a redirect to {@code seeOther} (a page action: HAProxy's {@code ;st=EXCD}); closed at once.
     */
    void tooLarge(java.util.Optional<String> seeOther) {
        if (requestComplete || refused) {
            return;
        }
        counters.badRequests.increment();
        if (seeOther.isPresent()) {
            refuse("303 See Other", "Location: " + seeOther.get() + "\r\n", "");
            return;
        }
        refuse("413 Request Entity Too Large", "a stats request has no body of more than "
                + StatsServer.MAX_REQUEST_BYTES + " bytes");
    }

    /**
     * The aggregator refuses the request's {@code Expect} header and is about to answer 417 (or 413 to a
     * 100-continue with too large a body): nothing more is read, and the connection closes as soon as
     * that answer is flushed, whether or not it went out.
     */
    private void expectationFailed() {
        if (requestComplete || refused) {
            return;
        }
        counters.badRequests.increment();
        giveUp();
        ctx.executor().execute(() -> ctx.close());
    }

    private void requestTimedOut() {
        if (requestComplete || refused) {
            return;
        }
        counters.badRequests.increment();
        refuse("408 Request Timeout", "the request was not complete within " + requestMillis + " ms (timeout http-request)");
    }

    /** A short answer written under the HTTP codec (whatever it has half-parsed); closed once what can go now has. */
    private void refuse(String status, String why) {
        refuse(status, "", status + ": " + why + "\n");
    }

    private void refuse(String status, String headers, String body) {
        if (refused) {
            return;
        }
        giveUp();
        ByteBuf raw = Unpooled.copiedBuffer("HTTP/1.1 " + status + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
                + headers + "Content-Length: " + body.length() + "\r\nCache-Control: no-cache\r\nConnection: close\r\n\r\n"
                + body, StandardCharsets.US_ASCII);
        counters.bytesOut.add(raw.readableBytes());
        ctx.writeAndFlush(raw);
        ctx.close();
    }

    /** Refused: no deadline runs any more, nothing more is read or passed on, and it takes no place. */
    private void giveUp() {
        refused = true;
        timer.cancel(false);
        stopReading();
        admission.closing(this);
    }

    private void stopReading() {
        ctx.channel().config().setAutoRead(false);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof HttpExpectationFailedEvent) {
            expectationFailed();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        ctx.channel().config().setAutoRead(ctx.channel().isWritable() && !requestComplete && !refused);
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf b) {
            counters.bytesIn.add(b.readableBytes());
        }
        if (refused) {
            ReferenceCountUtil.release(msg);
            return;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (msg instanceof ByteBuf b) {
            counters.bytesOut.add(b.readableBytes());
        }
        if (requestComplete && !sending && !refused) {
            sending = true;
            admission.sending(this);
        }
        ctx.write(msg, promise);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (timer != null) {
            timer.cancel(false);
        }
        admission.left(this);
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}
