package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;

import dev.pointsman.log.TcpLogRecord;
import dev.pointsman.testing.Configs;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A session on {@link EmbeddedChannel}s, no socket: the client channel, every server channel the
 * session opens (in order), a real {@link Backend} with servers "a" and "b", and one test clock
 * shared by the channels' event loops and the backend. How each server connect goes is planned
 * with {@link #plan}; the test advances time with {@link #tick}.
 */
final class EmbeddedSession {
    /** Every fixture made by the running test, closed by {@link #closeAll()} after it. */
    private static final List<EmbeddedSession> OPEN = new java.util.ArrayList<>();

    {
        OPEN.add(this);
    }

    /**
     * Ends what a test left open: the client is closed (so its session ends and releases what it
     * holds, as a real client's close does) and every channel's leftovers are released.
     */
    static void closeAll() {
        for (EmbeddedSession t : OPEN) {
            if (t.client != null) {
                t.client.close();
                t.settle();
                t.client.finishAndReleaseAll();
            }
            for (Peer s : t.servers) {
                s.finishAndReleaseAll();
            }
            if (t.owner != null) {
                t.owner.finishAndReleaseAll();
            }
        }
        OPEN.clear();
    }
    /** What the next server channel's connect does. */
    enum Connect { SUCCEED, HOLD, REFUSE, TIME_OUT, SOCKET_FAILS }

    final MockTicker clock = Ticker.newMockTicker();
    final List<TcpLogRecord> records = new ArrayList<>();
    final List<Peer> servers = new ArrayList<>();
    final List<Throwable> connectFailures = new ArrayList<>();
    private final Deque<Connect> plan = new ArrayDeque<>();
    Configs.ProxyBuilder config = listen("be")
            .server(serverAt("a", 15432))
            .server(serverAt("b", 15433));
    long connectMillis = 1000;
    long clientMillis;
    long serverMillis;
    long clientFinMillis;
    long serverFinMillis;
    int retries;
    int redispatch;
    int socketsMade;
    Backend backend;
    /** Whose loop is the backend's owner (an embedded loop runs everything sent to it at once; timers run in settle). */
    EmbeddedChannel owner;
    Peer client;
    long bytesFromClient = -1;

    /** A server for {@link #config} on a loopback port nothing connects to (no socket is made). */
    static Configs.ServerBuilder serverAt(String name, int port) {
        return Configs.server(name, new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** Servers a and b with {@code on-marked-down shutdown-sessions}; before {@link #start}. */
    EmbeddedSession shutdownSessionsOnDown() {
        config = listen("be").server(serverAt("a", 15432).shutdownSessionsOnDown())
                .server(serverAt("b", 15433).shutdownSessionsOnDown());
        return this;
    }

    EmbeddedSession plan(Connect... next) {
        plan.addAll(List.of(next));
        return this;
    }

    /** Makes the backend (from {@link #config}) without starting a session. */
    Backend backend() {
        if (backend == null) {
            owner = EmbeddedChannel.builder().ticker(clock).build();
            backend = new Backend(config.build(), clock::nanoTime, owner.eventLoop());
            backend.onConnectFailure((b, s, cause) -> connectFailures.add(cause));
        }
        return backend;
    }

    /** Accepts the client: its session asks the backend for a slot. */
    EmbeddedSession start() {
        backend();
        SessionPolicy policy = new SessionPolicy("fe", connectMillis, clientMillis, serverMillis,
                clientFinMillis, serverFinMillis, retries, redispatch, false, false, this::newServerChannel,
                this::newServerChannel, records::add);
        client = new Peer(clock);
        client.pipeline().addLast(Session.clientHandler(backend, policy, new SessionOrigin() {
            @Override
            public int actconn() {
                return 1;
            }

            @Override
            public int feconn() {
                return 1;
            }

            @Override
            public void bytes(long fromClient, long toClient) {
                bytesFromClient = fromClient;
            }
        }));
        try {
            client.register();
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        settle();
        return this;
    }

    Session session() {
        return client.pipeline().get(RelayHandlers.ClientSide.class).session();
    }

    Server server(String name) {
        return backend().server(name).orElseThrow();
    }

    Peer lastServer() {
        return servers.get(servers.size() - 1);
    }

    TcpLogRecord record() {
        return records.get(records.size() - 1);
    }

    private Channel newServerChannel() {
        Connect next = plan.isEmpty() ? Connect.SUCCEED : plan.poll();
        if (next == Connect.SOCKET_FAILS) {
            throw new ChannelException("newSocketStream(..) failed: Too many open files");
        }
        socketsMade++;
        Peer p = new Peer(clock);
        p.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void connect(ChannelHandlerContext ctx, SocketAddress remote, SocketAddress local, ChannelPromise promise) {
                p.connectedTo = remote;
                switch (next) {
                    case SUCCEED -> ctx.connect(remote, local, promise);
                    case HOLD -> p.pendingConnect = promise;
                    case REFUSE -> promise.setFailure(new ConnectException("Connection refused"));
                    case TIME_OUT -> promise.setFailure(new io.netty.channel.ConnectTimeoutException("timed out"));
                    default -> throw new AssertionError(next);
                }
            }
        });
        try {
            p.register(); // on its own loop: closing it must not cancel the session's timers on the client's
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        servers.add(p);
        return p;
    }

    /** Runs what is due on every channel's event loop. */
    void settle() {
        for (int round = 0; round < 3; round++) {
            owner.runPendingTasks();
            owner.runScheduledPendingTasks();
            client.runPendingTasks();
            client.runScheduledPendingTasks();
            for (Peer s : List.copyOf(servers)) {
                s.runPendingTasks();
                s.runScheduledPendingTasks();
            }
        }
    }

    /** Lets {@code millis} pass on the shared clock and runs what became due. */
    void tick(long millis) {
        clock.advance(millis, TimeUnit.MILLISECONDS);
        settle();
    }

    static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    /** Everything written to {@code ch} so far, as text; the buffers are released. */
    static String written(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            out.append(b.toString(StandardCharsets.ISO_8859_1));
            b.release();
        }
        return out.toString();
    }

    /** Everything written to {@code ch} so far, in bytes; the buffers are released. */
    static int writtenBytes(EmbeddedChannel ch) {
        int n = 0;
        for (Object m; (m = ch.readOutbound()) != null; ) {
            ByteBuf b = (ByteBuf) m;
            n += b.readableBytes();
            b.release();
        }
        return n;
    }

    /** A peer sends its FIN. */
    static void fin(EmbeddedChannel ch) {
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
    }

    /**
     * An {@link EmbeddedChannel} that can half-close (records its FIN) and can stand for a peer
     * that does not read: while {@link #stalled}, what is written stays in its outbound buffer, as
     * against a zero TCP window.
     */
    static final class Peer extends EmbeddedChannel implements DuplexChannel {
        private static final InetSocketAddress REMOTE = new InetSocketAddress(InetAddress.getLoopbackAddress(), 40000);
        boolean stalled;
        boolean outputShutdown;
        boolean inputShutdown;
        SocketAddress connectedTo;
        ChannelPromise pendingConnect;

        Peer(MockTicker clock) {
            super(EmbeddedChannel.builder().ticker(clock).register(false));
        }

        @Override
        protected SocketAddress remoteAddress0() {
            return REMOTE;
        }

        /** The peer does not read: writes stay pending. */
        void stall() {
            stalled = true;
        }

        /** The peer reads again: what was pending goes out. */
        void resume() {
            stalled = false;
            flush();
        }

        long pendingBytes() {
            ChannelOutboundBuffer out = unsafe().outboundBuffer();
            return out == null ? 0 : out.totalPendingWriteBytes();
        }

        @Override
        protected void doWrite(ChannelOutboundBuffer in) throws Exception {
            if (!stalled) {
                super.doWrite(in);
            }
        }

        @Override
        public boolean isInputShutdown() {
            return inputShutdown;
        }

        @Override
        public ChannelFuture shutdownInput() {
            return shutdownInput(newPromise());
        }

        @Override
        public ChannelFuture shutdownInput(ChannelPromise promise) {
            inputShutdown = true;
            return promise.setSuccess();
        }

        @Override
        public boolean isOutputShutdown() {
            return outputShutdown;
        }

        @Override
        public ChannelFuture shutdownOutput() {
            return shutdownOutput(newPromise());
        }

        @Override
        public ChannelFuture shutdownOutput(ChannelPromise promise) {
            outputShutdown = true;
            return promise.setSuccess();
        }

        @Override
        public boolean isShutdown() {
            return inputShutdown && outputShutdown;
        }

        @Override
        public ChannelFuture shutdown() {
            return shutdown(newPromise());
        }

        @Override
        public ChannelFuture shutdown(ChannelPromise promise) {
            inputShutdown = true;
            outputShutdown = true;
            return promise.setSuccess();
        }
    }
}
