package dev.pointsman.backend;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.epoll.AbstractEpollStreamChannel;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.LoggerFactory;

/** How a session makes its server socket, keeps a half-closed channel polled, passes a FIN on, and closes its channels without waiting unbounded on a peer. */
final class SessionChannels {

    /** How long an ending session waits for a peer that does not read when neither side has an inactivity timeout. */
    static final long LINGER_WITHOUT_TIMEOUT_MILLIS = 10_000;

    private SessionChannels() {}

    /**
     * A server socket for {@code policy} to connect to {@code target}, with {@code handler} in its pipeline, not yet registered.
     * What a {@code Bootstrap} would do, without its per-connection option map and reflection: a
     * socket is made per session.
     */
    static Channel newServerChannel(SessionPolicy policy, ChannelHandler handler, InetSocketAddress target) {
        // an IPv4 socket for an IPv4 server: a dual-stack one costs a setsockopt (IPV6_V6ONLY) and a
        // getsockname more per connection, and the kernel's v4-mapped handling on every packet
        Channel ch = (target.getAddress() instanceof Inet4Address ? policy.ipv4ChannelFactory() : policy.channelFactory())
                .newChannel();
        ChannelConfig config = ch.config();
        config.setAutoRead(false);
        config.setOption(ChannelOption.ALLOW_HALF_CLOSURE, true);
        // TCP_NODELAY: Netty's socket channels set it when made; a second setsockopt would be a wasted call
        if (policy.serverKeepalive()) {
            config.setOption(ChannelOption.SO_KEEPALIVE, true);
        }
        config.setConnectTimeoutMillis((int) Math.min(Integer.MAX_VALUE, policy.connectMillis()));
        ch.pipeline().addLast(handler);
        return ch;
    }

    /** Passes a FIN on once everything written before it has gone out (writes complete in order). */
    static void afterPendingWrites(Channel ch) {
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> shutdownOutput(ch));
    }

    /**
     * Keeps {@code ch} in epoll after its peer's FIN, while the session still writes to it; called
     * on its {@code ChannelInputShutdownEvent}. Netty 4.2.18's epoll channel then clears EPOLLIN
     * (AUTO_READ off) and EPOLLRDHUP; with no EPOLLOUT pending its interest set is empty, and
     * EpollIoHandler deletes the fd from epoll (EPOLL_CTL_DEL) but keeps it registered as added: once
     * a peer that reads slowly fills the socket buffer, asking for EPOLLOUT is an EPOLL_CTL_MOD that
     * fails with ENOENT, the flush fails and the session is cut with the rest unsent.
     *
     * <p>EPOLLET joins the interest set, so it never empties. Edge-triggered, the shut input (readable
     * at EOF, RDHUP) is never reported again: nothing spins. EPOLLOUT, when a write needs it, is an
     * EPOLL_CTL_MOD that finds the fd, which the kernel reports at once if the socket is writable and
     * then at each wakeup for freed send space; Netty asks for it only after a write the socket did
     * not take whole, so such a wakeup follows. No system call of its own: it is written into the
     * channel's interest set, private in Netty, and Netty's clearing of EPOLLRDHUP, which comes after
     * this event, submits it (an EPOLL_CTL_MOD instead of the EPOLL_CTL_DEL). The close's own
     * EPOLL_CTL_DEL then finds the fd too, where it failed with ENOENT and Netty made an exception,
     * stack trace and all, of it. Other transports keep their channels polled already. On the
     * channel's event loop, which alone owns its interest set.
     */
    static void keepPolledAfterFin(Channel ch) {
        if (ch instanceof AbstractEpollStreamChannel epoll) {
            EpollInterest.addEdgeTriggered(epoll);
        }
    }

    /** The interest set of Netty's epoll channels; loaded with the first epoll channel (EpollIoOps needs the native library). */
    private static final class EpollInterest {
        private static final VarHandle OPS = opsOfNetty();

        private static VarHandle opsOfNetty() {
            try {
                // AbstractEpollChannel, where the field is, is package-private in Netty
                Class<?> owner = AbstractEpollStreamChannel.class.getSuperclass();
                return MethodHandles.privateLookupIn(owner, MethodHandles.lookup()).findVarHandle(owner, "ops", EpollIoOps.class);
            } catch (ReflectiveOperationException | RuntimeException e) {
                LoggerFactory.getLogger("pointsman").warn("Netty's epoll channel has no interest set field 'ops' ({}):"
                        + " on epoll, a half-closed session may lose data when its peer reads slowly", e.toString());
                return null;
            }
        }

        /** Only while EPOLLRDHUP is still to be cleared, which submits the set: else there is no call to carry it. */
        static void addEdgeTriggered(AbstractEpollStreamChannel ch) {
            if (OPS != null) {
                EpollIoOps ops = (EpollIoOps) OPS.get(ch);
                if (ops.contains(EpollIoOps.EPOLLRDHUP)) {
                    OPS.set(ch, ops.with(EpollIoOps.EPOLLET));
                }
            }
        }
    }

    /**
     * Sends a FIN. On epoll and io_uring straight to the socket: Netty's {@code shutdownOutput()} makes an
     * exception, stack trace and all, on every call, to fail writes that cannot be pending here
     * (5-7 % of the proxy's own CPU with a new connection per transaction). The socket keeps
     * track of its shutdown state itself, so the channel still knows.
     *
     * <p>The channel then stops allowing half-closure: the peer's FIN, its last word now, closes it
     * at once (the session ends as on that FIN). Half-closing its input instead would shut down a
     * socket already finished both ways, which fails with ENOTCONN, and Netty's epoll transport
     * makes a {@code NotYetConnectedException}, stack trace and all, of it: once per session with
     * clients that close first (pgbench -C, a pooler's Terminate).
     */
    static void shutdownOutput(Channel ch) {
        ch.config().setOption(ChannelOption.ALLOW_HALF_CLOSURE, false);
        if (ch instanceof UnixChannel unix && unix.fd() instanceof Socket socket) {
            if (ch.isActive()) {
                try {
                    socket.shutdown(false, true);
                } catch (IOException gone) {
                    // the peer has gone: the channel's own events end the session
                }
            }
            return;
        }
        ((DuplexChannel) ch).shutdownOutput();
    }

    /**
     * Closes once what is already written has gone out, but waits on a peer that does not read no
     * longer than {@code lingerMillis} (that side's inactivity timeout, as HAProxy keeps forwarding
     * until {@code timeout client}; {@link #LINGER_WITHOUT_TIMEOUT_MILLIS} when there is none): a
     * flush that never completes against a zero window must not keep the socket, its buffers and
     * its maxconn slot forever.
     */
    static void closeAfterFlush(Channel ch, long lingerMillis) {
        ChannelOutboundBuffer pending = ch.unsafe().outboundBuffer();
        if (!ch.isActive() || pending == null || pending.totalPendingWriteBytes() == 0) {
            ch.close();
            return;
        }
        ch.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
        ScheduledFuture<?> bound = ch.eventLoop().schedule((Runnable) ch::close,
                lingerMillis > 0 ? lingerMillis : LINGER_WITHOUT_TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        ch.closeFuture().addListener(f -> bound.cancel(false));
    }
}
