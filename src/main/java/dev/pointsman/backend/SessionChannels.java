package dev.pointsman.backend;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelConfig;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.socket.DuplexChannel;
import io.netty.channel.unix.Socket;
import io.netty.channel.unix.UnixChannel;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/** How a session makes its server socket, passes a FIN on, and closes its channels without waiting unbounded on a peer. */
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
