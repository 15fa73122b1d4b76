package dev.pointsman.stats;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpObjectAggregator;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A Netty HTTP client for the stats listener's tests: writes the bytes a test gives (well-formed,
 * pipelined or broken) on one connection and collects the answers the server sends until it closes
 * the connection (at most 5 s). Each answer is copied and its buffer released.
 */
final class NettyHttpClient implements AutoCloseable {
    /** One decoded answer. */
    record Answer(int status, Map<String, String> headers, String body) {
        Optional<String> header(String name) {
            return headers.entrySet().stream().filter(e -> e.getKey().equalsIgnoreCase(name)).map(Map.Entry::getValue)
                    .findFirst();
        }
    }

    /** What one connection brought back. */
    record Exchange(List<Answer> answers, boolean closedByServer) {
        Answer only() {
            if (answers.size() != 1) {
                throw new AssertionError("expected one answer, got " + answers);
            }
            return answers.get(0);
        }
    }

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final int port;

    NettyHttpClient(int port) {
        this.port = port;
    }

    /** HTTP Basic for {@code user:password}. */
    static String basic(String user, String password) {
        return "Authorization: Basic "
                + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)) + "\r\n";
    }

    /** A form POST to {@code path} with {@code headers} (each ending in CRLF) and {@code body}. */
    static String post(String path, String headers, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: stats\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: " + body.getBytes(StandardCharsets.ISO_8859_1).length + "\r\n" + headers + "\r\n" + body;
    }

    /** Sends {@code raw} on a new connection and waits for the server to close it. */
    Exchange send(String raw) throws InterruptedException {
        List<Answer> answers = new CopyOnWriteArrayList<>();
        Channel ch = new Bootstrap().group(group).channel(NioSocketChannel.class).handler(new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel c) {
                c.pipeline().addLast(new HttpResponseDecoder(), new HttpObjectAggregator(1 << 20),
                        new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
                                Map<String, String> headers = new java.util.LinkedHashMap<>();
                                r.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
                                answers.add(new Answer(r.status().code(), headers,
                                        r.content().toString(StandardCharsets.UTF_8)));
                            }
                        });
            }
        }).connect(InetAddress.getLoopbackAddress(), port).sync().channel();
        ch.writeAndFlush(Unpooled.copiedBuffer(raw, StandardCharsets.ISO_8859_1)).sync();
        boolean closed = ch.closeFuture().await(5, TimeUnit.SECONDS);
        ch.close().sync();
        return new Exchange(List.copyOf(answers), closed);
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
