package dev.pointsman.cluster.dcs;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;

import java.io.ByteArrayOutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * One HTTP/1.1 POST on its own connection whose answer is read as newline-delimited lines, the
 * framing of the gateway's streams (and a one-line answer for a range). The request is always
 * complete: the gateway (Go's HTTP/1 server) holds its answer back until the request body has
 * ended, so a bidirectional stream cannot be kept open from this side.
 *
 * <p>Everything runs on the given event loop. The sink hears each line, then exactly one of
 * {@code end} (the answer completed) or {@code failed}; after {@link #close()} it hears nothing.
 * Received buffers are released by {@link SimpleChannelInboundHandler}; lines are copied out.
 */
final class HttpStream extends SimpleChannelInboundHandler<HttpObject> {
    /** Where lines go; called on the event loop. */
    interface Sink {
        void line(String line);

        void end();

        void failed(String reason);
    }

    static final int MAX_LINE = 1 << 20;
    private static final int MAX_ERROR_BODY = 300;

    private final Sink sink;
    private final ByteArrayOutputStream pending = new ByteArrayOutputStream();
    private final StringBuilder errorBody = new StringBuilder();
    private Channel channel;
    private int status;
    private boolean finished;

    private HttpStream(Sink sink) {
        this.sink = sink;
    }

    /**
     * Connects to a resolved {@code address} and posts {@code body} to {@code path}.
     *
     * @param requireLeader asks etcd to end a watch when its member loses the raft leader, rather
     *                      than keep it open and silent ({@code hasleader} gRPC metadata)
     */
    static HttpStream open(EventLoop loop, Class<? extends Channel> channelClass, InetSocketAddress address,
                           String host, String path, String body, boolean requireLeader, Duration connectTimeout,
                           Sink sink) {
        HttpStream stream = new HttpStream(sink);
        Bootstrap b = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.max(1, connectTimeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new HttpClientCodec(), stream);
                    }
                });
        ChannelFuture connect = b.connect(address);
        stream.channel = connect.channel();
        connect.addListener((ChannelFutureListener) f -> {
            // a socket that cannot be made (EMFILE) fails on Netty's global executor: back to the loop
            Runnable then = () -> {
                if (!f.isSuccess()) {
                    Throwable cause = f.cause() instanceof ChannelException && f.cause().getCause() != null
                            ? rootCause(f.cause()) : f.cause();
                    stream.finish("connect to " + host + ": " + describe(cause));
                    return;
                }
                stream.request(host, path, body, requireLeader);
            };
            if (loop.inEventLoop()) {
                then.run();
            } else {
                loop.execute(then);
            }
        });
        return stream;
    }

    private void request(String host, String path, String body, boolean requireLeader) {
        if (finished) {
            return;
        }
        ByteBuf content = Unpooled.copiedBuffer(body, StandardCharsets.UTF_8);
        FullHttpRequest request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, path, content);
        HttpUtil.setContentLength(request, content.readableBytes());
        request.headers().set(HttpHeaderNames.HOST, host);
        request.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_JSON);
        request.headers().set(HttpHeaderNames.ACCEPT, HttpHeaderValues.APPLICATION_JSON);
        if (requireLeader) {
            request.headers().set("Grpc-Metadata-hasleader", "true");
        }
        channel.writeAndFlush(request).addListener(ChannelFutureListener.FIRE_EXCEPTION_ON_FAILURE);
    }

    /** Closes the connection; the sink hears nothing more. */
    void close() {
        finished = true;
        closeChannel();
    }

    /** A channel that never got a loop (no socket could be made) has nothing to close, and would throw. */
    private void closeChannel() {
        if (channel.isRegistered()) {
            channel.close();
        }
    }

    private static Throwable rootCause(Throwable t) {
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) {
        if (finished) {
            return;
        }
        if (msg.decoderResult().isFailure()) {
            finish("bad HTTP answer: " + describe(msg.decoderResult().cause()));
            return;
        }
        if (msg instanceof HttpResponse response) {
            status = response.status().code();
        }
        if (msg instanceof HttpContent content) {
            if (status != 200) {
                if (errorBody.length() < MAX_ERROR_BODY) {
                    errorBody.append(content.content().toString(StandardCharsets.UTF_8));
                }
            } else {
                feed(content.content());
            }
            if (msg instanceof LastHttpContent && !finished) {
                if (status != 200) {
                    finish("HTTP " + status + ": " + EtcdJson.abbreviate(errorBody.toString().strip()));
                    return;
                }
                emit();
                if (!finished) {
                    finished = true;
                    channel.close();
                    sink.end();
                }
            }
        }
    }

    private void feed(ByteBuf buf) {
        for (int i = buf.readerIndex(); i < buf.writerIndex() && !finished; i++) {
            byte b = buf.getByte(i);
            if (b == '\n') {
                emit();
            } else if (pending.size() >= MAX_LINE) {
                finish("a line longer than " + MAX_LINE + " bytes");
            } else {
                pending.write(b);
            }
        }
    }

    private void emit() {
        String line = pending.toString(StandardCharsets.UTF_8).strip();
        pending.reset();
        if (!line.isEmpty() && !finished) {
            sink.line(line);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        finish(status == 0 ? "connection closed before an answer" : "connection closed");
        super.channelInactive(ctx);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        finish(describe(cause));
    }

    private void finish(String reason) {
        if (finished) {
            return;
        }
        finished = true;
        closeChannel();
        sink.failed(reason);
    }

    static String describe(Throwable cause) {
        String message = cause.getMessage();
        return message == null || message.isBlank() ? cause.getClass().getSimpleName() : message;
    }
}
