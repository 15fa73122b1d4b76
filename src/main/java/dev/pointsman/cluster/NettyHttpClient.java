package dev.pointsman.cluster;

import dev.pointsman.check.ProbeTimeouts;
import dev.pointsman.net.Cancellable;
import dev.pointsman.net.HttpAnswerParser;
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
import io.netty.util.NetUtil;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * {@code GET <path> HTTP/1.0} with {@code Connection: close} over one Netty connection on one event
 * loop, read to EOF (or to Content-Length) and capped at {@link #MAX_ANSWER} bytes. Timeouts follow
 * the checks' rules ({@link ProbeTimeouts}): the connect may take {@code connect}, then the answer
 * {@code timeout check} or what is left of {@code inter}. A host name is resolved on
 * {@code resolver}, never on the event loop.
 */
final class NettyHttpClient implements HttpClient {
    private static final HttpAnswerParser.Framing GET = new HttpAnswerParser.Framing(false, false);

    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final ProbeTimeouts timeouts;
    private final Executor resolver;

    NettyHttpClient(EventLoop loop, Class<? extends Channel> channelClass, ProbeTimeouts timeouts, Executor resolver) {
        this.loop = loop;
        this.channelClass = channelClass;
        this.timeouts = timeouts;
        this.resolver = resolver;
    }

    @Override
    public Cancellable get(Endpoint endpoint, String path, Consumer<Result> done) {
        Exchange x = new Exchange(endpoint, path, done);
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(endpoint.host());
        if (literal != null) {
            loop.execute(() -> x.connect(address(literal, endpoint)));
        } else {
            try {
                CompletableFuture.supplyAsync(() -> resolve(endpoint), resolver)
                        .whenComplete((a, e) -> loop.execute(() -> {
                            if (a == null) {
                                x.finish(new Failure("cannot resolve " + endpoint.host()));
                            } else {
                                x.connect(a);
                            }
                        }));
            } catch (RejectedExecutionException e) {
                loop.execute(() -> x.finish(new Failure("resolver busy, " + endpoint.host() + " not resolved")));
            }
        }
        return () -> loop.execute(x::cancel);
    }

    private static InetSocketAddress address(byte[] literal, Endpoint endpoint) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(literal), endpoint.port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }

    private static InetSocketAddress resolve(Endpoint endpoint) {
        try {
            return new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** One exchange; its state is touched on {@link #loop} only. */
    private final class Exchange extends ChannelInboundHandlerAdapter {
        private final Endpoint endpoint;
        private final String path;
        private final Consumer<Result> done;
        private final long start = System.nanoTime();
        private boolean finished;
        private Channel channel;
        private ScheduledFuture<?> answerTimer;
        private byte[] buf = new byte[1024];
        private int len;

        Exchange(Endpoint endpoint, String path, Consumer<Result> done) {
            this.endpoint = endpoint;
            this.path = path;
            this.done = done;
        }

        void connect(InetSocketAddress address) {
            if (finished) {
                return;
            }
            int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()));
            ChannelFuture f = new Bootstrap().group(loop).channel(channelClass)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                    .option(ChannelOption.TCP_NODELAY, true)
                    .handler(this)
                    .connect(address);
            channel = f.channel();
            f.addListener((ChannelFuture c) -> {
                if (!c.isSuccess()) {
                    finish(new Failure(c.cause() instanceof ConnectTimeoutException ? "connect timeout"
                            : "connect: " + message(c.cause())));
                } else if (finished) {
                    c.channel().close();
                } else {
                    send(c.channel());
                }
            });
        }

        private void send(Channel ch) {
            Duration answer = timeouts.answerAfter(Duration.ofNanos(System.nanoTime() - start));
            answerTimer = loop.schedule(() -> finish(new Failure("answer timeout")), answer.toNanos(),
                    TimeUnit.NANOSECONDS);
            String request = "GET " + path + " HTTP/1.0\r\nHost: " + endpoint
                    + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n";
            ch.writeAndFlush(Unpooled.wrappedBuffer(request.getBytes(StandardCharsets.US_ASCII))).addListener(w -> {
                if (!w.isSuccess()) {
                    finish(new Failure("write: " + message(w.cause())));
                }
            });
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (finished || !(msg instanceof ByteBuf in)) {
                    return;
                }
                int n = in.readableBytes();
                if (len + n > MAX_ANSWER) {
                    finish(new Failure("answer larger than " + MAX_ANSWER + " bytes"));
                    return;
                }
                if (len + n > buf.length) {
                    buf = Arrays.copyOf(buf, Math.min(MAX_ANSWER, Math.max(buf.length * 2, len + n)));
                }
                in.readBytes(buf, len, n);
                len += n;
                Result r = judge(buf, len, false);
                if (r != null) {
                    finish(r);
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (!finished) {
                finish(judge(buf, len, true));
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            finish(new Failure("read: " + message(cause)));
        }

        void cancel() {
            if (!finished) {
                finished = true;
                cleanup();
            }
        }

        void finish(Result result) {
            if (finished) {
                return;
            }
            finished = true;
            cleanup();
            done.accept(result);
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
    }

    /** The answer to a GET: a head cut by EOF is a truncated answer; null while more bytes are needed. */
    static Result judge(byte[] buf, int len, boolean eof) {
        HttpAnswerParser.Parse parse = HttpAnswerParser.parse(buf, len, eof, GET);
        if (parse instanceof HttpAnswerParser.Complete c) {
            return new Answer(c.answer().status(), c.answer().body());
        }
        if (parse instanceof HttpAnswerParser.Invalid i) {
            return new Failure(i.reason());
        }
        return null;
    }

    private static String message(Throwable t) {
        return t == null ? "" : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
