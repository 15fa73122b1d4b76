package dev.pointsman.check;

import dev.pointsman.net.Cancellable;
import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A probe over one TCP connection on a Netty event loop: connect (L4OK / L4TOUT / L4CON), then,
 * when there is a {@link Conversation}, send its request and feed it the answer until it decides,
 * the server closes, or the answer timeout fires (L7TOUT). Every path ends in exactly one outcome,
 * the connection closed and every received buffer released.
 *
 * <p>The address must already be resolved: resolving would block the event loop, so an
 * unresolved address is a SOCKERR without any attempt.
 */
final class NettyProbe implements Probe {
    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final Supplier<InetSocketAddress> target;
    private final ProbeTimeouts timeouts;
    private final Supplier<Conversation> conversation;

    /** @param conversation null for a plain connect check */
    NettyProbe(EventLoop loop, Class<? extends Channel> channelClass, Supplier<InetSocketAddress> target,
               ProbeTimeouts timeouts, Supplier<Conversation> conversation) {
        this.loop = loop;
        this.channelClass = channelClass;
        this.target = target;
        this.timeouts = timeouts;
        this.conversation = conversation;
    }

    @Override
    public Cancellable start(Consumer<ProbeOutcome> done) {
        Attempt attempt = new Attempt(done, conversation == null ? null : conversation.get());
        if (loop.inEventLoop()) {
            attempt.begin();
        } else {
            loop.execute(attempt::begin);
        }
        return () -> loop.execute(attempt::cancel);
    }

    /** One run; all its state is touched on {@link #loop} only. */
    private final class Attempt extends ChannelInboundHandlerAdapter {
        private final Consumer<ProbeOutcome> done;
        private final Conversation talk;
        private final long startNanos = System.nanoTime();
        private boolean finished;
        private Channel channel;
        private ScheduledFuture<?> answerTimer;
        private byte[] buf = new byte[512];
        private int len;

        Attempt(Consumer<ProbeOutcome> done, Conversation talk) {
            this.done = done;
            this.talk = talk;
        }

        void begin() {
            if (finished) {
                return;
            }
            InetSocketAddress address = target.get();
            if (address.isUnresolved()) {
                finish(ProbeOutcome.of(CheckResult.of(CheckStatus.SOCKERR,
                        "unresolved address " + address.getHostString(), elapsed())));
                return;
            }
            int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()));
            Bootstrap bootstrap = new Bootstrap().group(loop).channel(channelClass)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(this);
            ChannelFuture connect = bootstrap.connect(address);
            channel = connect.channel();
            connect.addListener((ChannelFuture f) -> {
                if (f.isSuccess()) {
                    connected(f.channel());
                } else {
                    finish(ProbeOutcome.of(connectFailure(f.cause())));
                }
            });
        }

        private void connected(Channel ch) {
            if (finished) {
                ch.close();
                return;
            }
            if (talk == null) {
                finish(ProbeOutcome.of(CheckResult.of(CheckStatus.L4OK, "", elapsed())));
                return;
            }
            long answerNanos = timeouts.answerAfter(elapsed()).toNanos();
            answerTimer = loop.schedule(() -> finish(ProbeOutcome.of(CheckResult.of(CheckStatus.L7TOUT, "", elapsed()))),
                    answerNanos, TimeUnit.NANOSECONDS);
            ch.writeAndFlush(Unpooled.wrappedBuffer(talk.request())).addListener(w -> {
                if (!w.isSuccess()) {
                    finish(ProbeOutcome.of(CheckResult.of(CheckStatus.SOCKERR, errorText(w.cause()), elapsed())));
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (finished || talk == null || !(msg instanceof ByteBuf in)) {
                    return;
                }
                int n = in.readableBytes();
                if (len + n > talk.maxBytes()) {
                    finish(talk.tooLarge(elapsed()));
                    return;
                }
                if (len + n > buf.length) {
                    buf = Arrays.copyOf(buf, Math.min(talk.maxBytes(), Math.max(buf.length * 2, len + n)));
                }
                in.readBytes(buf, len, n);
                len += n;
                ProbeOutcome outcome = talk.evaluate(buf, len, false, elapsed());
                if (outcome != null) {
                    finish(outcome);
                }
            } finally {
                io.netty.util.ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!finished && talk != null) {
                finish(talk.evaluate(buf, len, true, elapsed()));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (finished) {
                return;
            }
            if (talk != null && len > 0) {
                finish(talk.evaluate(buf, len, true, elapsed())); // judge what arrived before the error
            } else {
                finish(ProbeOutcome.of(CheckResult.of(CheckStatus.SOCKERR, errorText(cause), elapsed())));
            }
        }

        void cancel() {
            if (!finished) {
                finished = true;
                cleanup();
            }
        }

        private void finish(ProbeOutcome outcome) {
            if (finished) {
                return;
            }
            finished = true;
            cleanup();
            done.accept(outcome);
        }

        private void cleanup() {
            if (answerTimer != null) {
                answerTimer.cancel(false);
            }
            if (channel != null) {
                channel.close();
            }
            buf = null;
        }

        private Duration elapsed() {
            return Duration.ofNanos(System.nanoTime() - startNanos);
        }

        private CheckResult connectFailure(Throwable cause) {
            if (cause instanceof ConnectTimeoutException) {
                return CheckResult.of(CheckStatus.L4TOUT, "", elapsed());
            }
            if (cause instanceof ConnectException || cause instanceof java.io.IOException) {
                return CheckResult.of(CheckStatus.L4CON, errorText(cause), elapsed());
            }
            return CheckResult.of(CheckStatus.SOCKERR, errorText(cause), elapsed());
        }
    }

    private static final String[] ERRNO_TEXTS = {
        "Connection refused", "Connection reset by peer", "No route to host", "Network is unreachable",
        "Connection timed out", "Broken pipe", "Cannot assign requested address", "Permission denied"
    };

    /** The strerror()-like text HAProxy would log, taken from a JDK or Netty exception message. */
    static String errorText(Throwable cause) {
        String msg = cause == null ? null : cause.getMessage();
        if (msg == null) {
            return cause == null ? "" : cause.getClass().getSimpleName();
        }
        for (String text : ERRNO_TEXTS) {
            if (msg.contains(text)) {
                return text;
            }
        }
        return msg;
    }
}
