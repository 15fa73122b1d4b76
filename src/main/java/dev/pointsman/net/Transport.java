package dev.pointsman.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ReflectiveChannelFactory;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

/** Event-loop and channel types of one transport. */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannel, Class<? extends Channel> socketChannel) {

    /** epoll when the native library loads (Linux), NIO otherwise; {@code -Dpointsman.transport=nio} forces NIO. */
    public static Transport best() {
        if (!"nio".equals(System.getProperty("pointsman.transport")) && Epoll.isAvailable()) {
            return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                    EpollSocketChannel.class);
        }
        return nio();
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /**
     * Makes sockets of {@code type} with a constructor reference rather than by reflection
     * (Netty's default): one is made per proxied connection.
     */
    public static ChannelFactory<? extends Channel> factoryOf(Class<? extends Channel> type) {
        if (type == EpollSocketChannel.class) {
            return EpollSocketChannel::new;
        }
        if (type == NioSocketChannel.class) {
            return NioSocketChannel::new;
        }
        return new ReflectiveChannelFactory<>(type);
    }

    /** @param threads 0 = one per available core */
    public EventLoopGroup newGroup(int threads, String prefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(prefix, true), ioHandlerFactory);
    }
}
