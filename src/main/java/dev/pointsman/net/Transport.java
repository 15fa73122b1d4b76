package dev.pointsman.net;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelOption;
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
import io.netty.channel.socket.SocketProtocolFamily;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringIoHandler;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.Optional;
import java.util.function.Consumer;

/** Event-loop and channel types of one transport. */
public record Transport(String name, IoHandlerFactory ioHandlerFactory,
                        Class<? extends ServerChannel> serverChannel, Class<? extends Channel> socketChannel) {

    /** The system property that chooses the transport: {@code epoll} (default), {@code io_uring} or {@code nio}. */
    public static final String PROPERTY = "pointsman.transport";

    /** The transport {@link #PROPERTY} asks for, where it loads; the reason for a fallback goes to {@code warn}. */
    public static Transport best(Consumer<String> warn) {
        return choose(System.getProperty(PROPERTY, "epoll"), warn);
    }

    /** {@link #best(Consumer)} without a word on a fallback. */
    public static Transport best() {
        return best(m -> { });
    }

    /**
     * {@code io_uring} where the kernel allows it (Linux 5.9+, not refused by seccomp or
     * {@code kernel.io_uring_disabled}), else epoll; {@code epoll} where the native library loads
     * (Linux), else NIO; {@code nio} always. Anything else is read as the default, epoll.
     */
    static Transport choose(String asked, Consumer<String> warn) {
        if ("nio".equals(asked)) {
            return nio();
        }
        if ("io_uring".equals(asked)) {
            Optional<Transport> uring = ioUring();
            if (uring.isPresent()) {
                return uring.get();
            }
            warn.accept("io_uring is not available here (" + IoUring.unavailabilityCause() + "); using epoll");
        } else if (!"epoll".equals(asked)) {
            warn.accept(PROPERTY + "=" + asked + " (expected: epoll, io_uring or nio); using epoll");
        }
        if (Epoll.isAvailable()) {
            return epoll();
        }
        warn.accept("epoll is not available here (" + Epoll.unavailabilityCause() + "); using nio");
        return nio();
    }

    static Transport epoll() {
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    /** io_uring, when this kernel and process may use it. */
    public static Optional<Transport> ioUring() {
        if (!IoUring.isAvailable()) {
            return Optional.empty();
        }
        return Optional.of(new Transport("io_uring", IoUringIoHandler.newFactory(), IoUringServerSocketChannel.class,
                IoUringSocketChannel.class));
    }

    public static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** True on the transports whose channels are Linux sockets (epoll, io_uring): unix-socket channels come from Netty's epoll there. */
    public boolean linux() {
        return !"nio".equals(name);
    }

    /**
     * The option that lets several listening sockets of this process share one address and port
     * (SO_REUSEPORT; epoll's and io_uring's {@code SO_REUSEPORT} are this one), the kernel spreading
     * new connections over them; empty on NIO, which cannot set it.
     */
    public Optional<ChannelOption<Boolean>> reusePort() {
        return linux() ? Optional.of(UnixChannelOption.SO_REUSEPORT) : Optional.empty();
    }

    /**
     * Makes sockets of {@code type} with a constructor reference rather than by reflection
     * (Netty's default): one is made per proxied connection.
     */
    public static ChannelFactory<? extends Channel> factoryOf(Class<? extends Channel> type) {
        if (type == EpollSocketChannel.class) {
            return EpollSocketChannel::new;
        }
        if (type == IoUringSocketChannel.class) {
            return IoUringSocketChannel::new;
        }
        if (type == NioSocketChannel.class) {
            return NioSocketChannel::new;
        }
        return new ReflectiveChannelFactory<>(type);
    }

    /**
     * Like {@link #factoryOf}, for connecting to an IPv4 address: epoll makes IPv4 sockets (Netty's
     * default is a dual-stack IPv6 socket, which costs a setsockopt and a getsockname more per
     * connection); io_uring (no such constructor) and NIO are left as they are.
     */
    public static ChannelFactory<? extends Channel> ipv4FactoryOf(Class<? extends Channel> type) {
        if (type == EpollSocketChannel.class) {
            return () -> new EpollSocketChannel(SocketProtocolFamily.INET);
        }
        return factoryOf(type);
    }

    /** Event loops and the transport they are of, which {@link #newGroup(int, String, Consumer)} may have changed. */
    public record Loops(Transport transport, EventLoopGroup group) { }

    /**
     * Like {@link #newGroup(int, String)}, but io_uring event loops that cannot be made although
     * {@link IoUring#isAvailable()} said yes (the rings' locked memory over RLIMIT_MEMLOCK on Linux
     * 5.9 to 5.11) fall back to epoll (else NIO), with the reason to {@code warn}.
     */
    public Loops newGroup(int threads, String prefix, Consumer<String> warn) {
        try {
            return new Loops(this, newGroup(threads, prefix));
        } catch (RuntimeException | LinkageError e) {
            if (!"io_uring".equals(name)) {
                throw e;
            }
            Transport fallback = Epoll.isAvailable() ? epoll() : nio();
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            warn.accept("io_uring event loops could not be made (" + cause
                    + "; a low RLIMIT_MEMLOCK on Linux before 5.12?); using " + fallback.name());
            return new Loops(fallback, fallback.newGroup(threads, prefix));
        }
    }

    /** @param threads 0 = one per available core */
    public EventLoopGroup newGroup(int threads, String prefix) {
        int n = threads > 0 ? threads : Runtime.getRuntime().availableProcessors();
        return new MultiThreadIoEventLoopGroup(n, new DefaultThreadFactory(prefix, true), ioHandlerFactory);
    }
}
