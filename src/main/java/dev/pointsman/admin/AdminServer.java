package dev.pointsman.admin;

import dev.pointsman.config.StatsSocket;
import dev.pointsman.frontend.BindFailedException;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerDomainSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code stats socket} listeners of the runtime API, on one event loop of their own (a slow
 * client or a large answer never holds a proxying thread; state changes go to the backends' owners).
 * A unix socket file left by a process that is gone is removed first, the new one gets the
 * configured {@code mode}, and it is removed again at {@link #close()} unless another process has
 * replaced it meanwhile. At {@code stats maxconn} connections the listeners stop accepting until
 * one closes (the others wait in the kernel's backlog, as in HAProxy).
 *
 * <p>Transport: Netty's epoll channels (unix sockets through {@code EpollServerDomainSocketChannel})
 * when the process runs on epoll, else NIO's, whose unix sockets need Java 16+.
 *
 * <p>Owner: the runtime API's event loop owns the connection count and the listeners' autoRead.
 */
public final class AdminServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger("admin");

    private final EventLoopGroup group;
    private final boolean epoll;
    private final Interpreter interpreter;
    private final Duration timeout;
    private final int maxconn;
    private final List<Channel> listeners = new ArrayList<>();
    private final ChannelGroup connections;
    /** The socket files this server made, with their file key, to remove at close if still theirs. */
    private final Map<Path, Object> files = new LinkedHashMap<>();
    private volatile long accepted;

    private AdminServer(AdminContext context, Duration timeout, int maxconn, boolean epoll) {
        this.epoll = epoll;
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        this.group = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("pointsman-admin", true), io);
        this.interpreter = new Interpreter(context);
        this.timeout = timeout;
        this.maxconn = maxconn;
        this.connections = new DefaultChannelGroup(group.next());
    }

    /**
     * Binds every socket; one that cannot be bound is fatal, as in HAProxy.
     *
     * @param epoll the process's transport is epoll (then epoll is used here too, where it loads)
     */
    public static AdminServer start(List<StatsSocket> sockets, Duration timeout, int maxconn, AdminContext context,
                                    boolean epoll) throws BindFailedException {
        AdminServer s = new AdminServer(context, timeout, maxconn, epoll && Epoll.isAvailable());
        try {
            for (StatsSocket socket : sockets) {
                s.bind(socket);
            }
        } catch (BindFailedException | RuntimeException e) {
            s.close();
            throw e;
        }
        return s;
    }

    /** Where the listeners listen: a {@link Path} for a unix socket, an {@link InetSocketAddress} for TCP. */
    public List<Object> boundAddresses() {
        List<Object> out = new ArrayList<>();
        for (Channel c : listeners) {
            SocketAddress a = c.localAddress();
            if (a instanceof DomainSocketAddress d) {
                out.add(Path.of(d.path()));
            } else if (a instanceof UnixDomainSocketAddress u) {
                out.add(u.getPath());
            } else {
                out.add(a);
            }
        }
        return out;
    }

    /** Listening sockets (show info's Listeners). */
    public int listenerCount() {
        return listeners.size();
    }

    /** Connections open now. */
    public int connections() {
        return connections.size();
    }

    /** Connections accepted since start. */
    public long accepted() {
        return accepted;
    }

    private void bind(StatsSocket socket) throws BindFailedException {
        SocketAddress target;
        Class<? extends ServerChannel> type;
        Path path = null;
        if (socket.address() instanceof StatsSocket.Unix unix) {
            path = Path.of(unix.path());
            removeStale(socket, path);
            target = epoll ? new DomainSocketAddress(unix.path()) : UnixDomainSocketAddress.of(path);
            type = epoll ? EpollServerDomainSocketChannel.class : NioServerDomainSocketChannel.class;
        } else {
            StatsSocket.Tcp tcp = (StatsSocket.Tcp) socket.address();
            target = new InetSocketAddress(tcp.host(), tcp.port());
            type = epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        }
        ServerBootstrap b = new ServerBootstrap().group(group).channel(type)
                .childOption(ChannelOption.AUTO_READ, false)
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childHandler(new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        admitted(ch);
                        ch.pipeline().addLast(CliHandler.IDLE, CliHandler.idleTimer(timeout))
                                .addLast(new CliHandler(interpreter, new CliSession(socket.level(), timeout)));
                    }
                });
        if (path == null) {
            b.option(ChannelOption.SO_REUSEADDR, true);
        }
        Channel ch;
        try {
            ch = b.bind(target).sync().channel();
        } catch (Exception e) {
            throw new BindFailedException(String.format("[%s] : 'stats socket %s': cannot bind: %s", socket.source(),
                    socket.address().label(), e.getMessage()), e);
        }
        listeners.add(ch);
        if (path != null) {
            try {
                if (socket.mode().isPresent()) {
                    Files.setPosixFilePermissions(path, permissions(socket.mode().getAsInt()));
                }
                files.put(path, Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey());
            } catch (IOException | UnsupportedOperationException e) {
                throw new BindFailedException(String.format("[%s] : 'stats socket %s': cannot set mode %s: %s",
                        socket.source(), socket.address().label(), Integer.toOctalString(socket.mode().orElse(0)), e), e);
            }
        }
        LOG.info("runtime API listening on {} (level {})", socket.address().label(), socket.level().word());
    }

    /**
     * A socket file whose process is gone is removed; one that still accepts belongs to a live
     * process, and anything else at the path is not ours to delete.
     */
    private static void removeStale(StatsSocket socket, Path path) throws BindFailedException {
        BasicFileAttributes attrs;
        try {
            attrs = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException absent) {
            return;
        }
        String where = String.format("[%s] : 'stats socket %s'", socket.source(), socket.address().label());
        if (!attrs.isOther()) {
            throw new BindFailedException(where + ": " + path + " exists and is not a socket", null);
        }
        try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            probe.connect(UnixDomainSocketAddress.of(path));
            throw new BindFailedException(where + ": another process listens on " + path, null);
        } catch (IOException gone) {
            try {
                Files.deleteIfExists(path);
            } catch (IOException e) {
                throw new BindFailedException(where + ": cannot remove the stale socket " + path + ": " + e.getMessage(), e);
            }
        }
    }

    /** Counts a new connection (on the admin loop); at {@code stats maxconn} the listeners pause. */
    private void admitted(Channel ch) {
        accepted++;
        connections.add(ch);
        if (connections.size() >= maxconn) {
            listeners.forEach(l -> l.config().setAutoRead(false));
        }
        ch.closeFuture().addListener(f -> {
            if (connections.size() < maxconn) {
                listeners.forEach(l -> l.config().setAutoRead(true));
            }
        });
    }

    static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> perms = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int bit = 0; bit < order.length; bit++) {
            if ((mode & (1 << bit)) != 0) {
                perms.add(order[bit]);
            }
        }
        return perms;
    }

    /** Closes the listeners and every connection, and removes the socket files that are still this server's. */
    @Override
    public void close() {
        listeners.forEach(Channel::close);
        connections.close().awaitUninterruptibly(1, TimeUnit.SECONDS);
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        files.forEach((path, key) -> {
            try {
                Object now = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
                if (key == null || key.equals(now)) {
                    Files.deleteIfExists(path);
                }
            } catch (IOException gone) {
                // already removed
            }
        });
    }

    @Override
    public String toString() {
        return "runtime API " + boundAddresses();
    }
}
