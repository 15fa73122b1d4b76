package dev.pointsman.log;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Syslog to a unix datagram socket such as {@code /dev/log}, one datagram per line, truncated to
 * the target's {@code len}. Java 17's DatagramChannel has no AF_UNIX support (JDK 16 added unix
 * domain sockets for stream channels only), so this uses Netty's epoll domain datagram channel on
 * one small event loop of its own; where epoll is not available (not Linux) {@link #available()}
 * is false and the target falls back to stderr.
 */
final class UnixSender implements LogSender {
    private final DomainSocketAddress target;
    private final EventLoopGroup group;
    private final Bootstrap bootstrap;
    private Channel channel;

    UnixSender(String path) {
        this.target = new DomainSocketAddress(path);
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pointsman-log-unix", true),
                EpollIoHandler.newFactory());
        this.bootstrap = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class).handler(new Ignore());
    }

    static boolean available() {
        return Epoll.isAvailable();
    }

    /**
     * Sends on a socket connected to the target, (re)connecting first when needed: a syslog
     * daemon that restarted recreates its socket, and the next line finds it again.
     */
    @Override
    public boolean send(String line, int maxLength) throws IOException {
        if (channel == null || !channel.isActive()) {
            if (channel != null) {
                channel.close();
            }
            try {
                channel = bootstrap.connect(target).sync().channel();
            } catch (Exception e) {
                channel = null;
                throw new IOException("unix datagram socket " + target.path() + ": " + e.getMessage(), e);
            }
        }
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        int n = Math.min(bytes.length, maxLength);
        channel.writeAndFlush(new DomainDatagramPacket(Unpooled.wrappedBuffer(bytes, 0, n), target));
        return true;
    }

    @Override
    public void close() {
        if (channel != null) {
            channel.close();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }

    @Override
    public String toString() {
        return "unix " + target.path();
    }

    @ChannelHandler.Sharable
    private static final class Ignore extends ChannelInboundHandlerAdapter {
        @Override
        public void exceptionCaught(io.netty.channel.ChannelHandlerContext ctx, Throwable cause) {
            // a missing or full socket drops the line, as syslog(3) does
        }
    }
}
