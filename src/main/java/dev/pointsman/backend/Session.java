package dev.pointsman.backend;

import dev.pointsman.log.TcpLogRecord;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;

/**
 * One client ↔ server relay. Lives on the client channel's event loop; the server channel is
 * registered on the same loop, so no field needs synchronisation.
 *
 * <p>Flow: wait for a slot (queue) → connect within {@code timeout connect}, retrying and
 * redispatching as configured (a PostgreSQL opening refused by a stopping or starting server is
 * replayed on the next one, see {@link StartupReplay}) → relay, reading from one side only while
 * the other side's channel is writable (below its high watermark: backpressure without buffering
 * more than one read) → on close, give the slot back, count, and log one tcplog record. Socket
 * creation, FIN and close are in {@link SessionChannels}.
 *
 * <p>Termination state, HAProxy's two letters: who ended it ({@code -} normal, {@code C}/{@code S}
 * client/server abort or refusal, {@code c}/{@code s} timeouts, {@code D} server went down,
 * {@code U} backup cut, {@code K} admin, {@code P} proxy limit) and at which phase ({@code Q}
 * queue, {@code C} connect, {@code D} data).
 */
public final class Session implements Waiter {
    /** How many times a session may be sent back to the queue because its server went down while connecting. */
    private static final int MAX_REQUEUES = 10;

    private final Channel client;
    private final Backend backend;
    private final SessionPolicy policy;
    private final SessionOrigin origin;
    private final long acceptNanos;
    private final long acceptEpochMillis;
    private final int sourceHash;
    private long grantedNanos = -1;
    private long connectedNanos = -1;
    private Server server;
    private Server avoid;
    private Channel serverChannel;
    private int retries;
    private int requeues;
    private long fromClient;
    private long toClient;
    private char who = '-';
    private char phase = 'Q';
    private boolean finished;
    private boolean clientFin;
    private boolean serverFin;
    /** Reads from the client wait until the server channel can take more (write buffer under its high watermark). */
    private boolean clientReadPaused;
    private boolean serverReadPaused;
    private final InactivityTimer inactivity;
    private StartupReplay replay;
    private RelayHandlers.ServerSide serverSide;
    private boolean replaying;
    private boolean awaitingNegotiation;
    private int replays;
    /**
     * Client bytes read while the session is between two servers (sent back to the queue to be
     * replayed elsewhere, with a read of the client still pending): kept for the next server, and
     * the client is not read again until it takes them.
     */
    private ByteBuf heldFromClient;
    /** Written by the backend's owner only (see {@link Waiter#queueBudgetNanos()}). */
    private long queueBudgetNanos = Long.MIN_VALUE;

    Session(Channel client, Backend backend, SessionPolicy policy, SessionOrigin origin) {
        this.client = client;
        this.backend = backend;
        this.policy = policy;
        this.origin = origin;
        this.acceptNanos = backend.now();
        this.acceptEpochMillis = System.currentTimeMillis();
        InetSocketAddress remote = (InetSocketAddress) client.remoteAddress();
        this.sourceHash = remote == null ? 0 : remote.getAddress().hashCode();
        this.inactivity = new InactivityTimer(client.eventLoop(), policy.clientMillis(), policy.serverMillis(),
                side -> terminate(side, false));
    }

    /** The handler a frontend installs on each accepted channel (AUTO_READ off, half-closure allowed). */
    public static io.netty.channel.ChannelHandler clientHandler(Backend backend, SessionPolicy policy,
                                                              SessionOrigin origin) {
        return new RelayHandlers.ClientSide(backend, policy, origin);
    }

    void start() {
        backend.acquire(this);
    }

    @Override
    public EventExecutor executor() {
        return client.eventLoop();
    }

    @Override
    public int sourceHash() {
        return sourceHash;
    }

    @Override
    public long queueBudgetNanos() {
        return queueBudgetNanos;
    }

    @Override
    public void queueBudgetNanos(long budget) {
        queueBudgetNanos = budget;
    }

    @Override
    public Server avoid() {
        return avoid;
    }

    @Override
    public void granted(Server s) {
        if (finished) {
            backend.release(s);
            return;
        }
        server = s;
        grantedNanos = backend.now();
        phase = 'C';
        connect();
    }

    @Override
    public void queueTimeout(boolean queueFull) {
        terminate(queueFull ? 'P' : 's', false);
    }

    /**
     * Opens the server connection on the client's event loop. What a {@code Bootstrap} would do,
     * without its per-connection option map and reflection: a socket is made per session.
     */
    private void connect() {
        if (finished) {
            return;
        }
        Channel ch = SessionChannels.newServerChannel(policy, serverSide = new RelayHandlers.ServerSide(this));
        client.eventLoop().register(ch).addListener((ChannelFutureListener) registered -> {
            if (registered.isSuccess()) {
                ch.connect(server.config().address()).addListener((ChannelFutureListener) this::connected);
            } else {
                ch.unsafe().closeForcibly();
                connected(registered);
            }
        });
    }

    private void connected(ChannelFuture f) {
        Channel ch = f.channel();
        if (finished) {
            ch.close();
            return;
        }
        if (!f.isSuccess()) {
            serverSide.detached = true; // its events are no longer this session's
            ch.close();
            connectFailed(f.cause());
            return;
        }
        serverChannel = ch;
        server.register(this);
        if (!server.usable() && requeues < MAX_REQUEUES) {
            // The server went down while we connected; the client has sent nothing yet, so the
            // session can safely go back to the queue for the next usable server.
            requeues++;
            server.unregister(this);
            serverChannel = null;
            ch.close();
            redispatch();
            return;
        }
        connectedNanos = backend.now();
        phase = 'D';
        inactivity.start();
        if (replaying) {
            replaying = false;
            ByteBuf negotiation = replay.negotiationBytes(ch.alloc());
            if (negotiation != null) {
                awaitingNegotiation = true;
                ch.writeAndFlush(negotiation);
            } else {
                ch.writeAndFlush(replay.startupBytes());
                releaseHeld();
            }
            ch.read();
            return;
        }
        replay = new StartupReplay(client.alloc());
        ch.read();
        if (!releaseHeld()) {
            client.read();
        }
    }

    /** Relays what the client sent while the session was between servers; false if there was nothing. */
    private boolean releaseHeld() {
        if (heldFromClient == null) {
            return false;
        }
        ByteBuf held = heldFromClient;
        heldFromClient = null;
        fromClient(held);
        return true;
    }

    /**
     * The server refused the session while starting up or shutting down (57P03) before the client
     * got anything but 'N': leave it, withdraw it until its checks confirm it, and replay the
     * opening on the next usable server. See {@link StartupReplay} for what is safe to replay.
     */
    private void replayElsewhere(boolean withdraw) {
        if (replays >= MAX_REQUEUES) {
            terminate('S', false);
            return;
        }
        replays++;
        Server failed = server;
        serverSide.detached = true;
        serverChannel.close();
        serverChannel = null;
        failed.unregister(this);
        replaying = replay != null && replay.replayable();
        if (!replaying && replay != null) {
            replay.close();
            replay = null;
        }
        if (withdraw) {
            // requeued once the owner has withdrawn the server, so that the next pick cannot find it
            backend.connectFailed(this, failed, new RefusedAtStartup(), () -> {
                if (!finished) {
                    redispatch();
                }
            });
        } else {
            redispatch();
        }
    }

    /**
     * The client's opening can still go to another server: its StartupMessage is complete and it
     * has received nothing but the one-byte answer to its SSLRequest.
     */
    private boolean replayable() {
        if (finished || phase != 'D' || serverChannel == null || replays >= MAX_REQUEUES || clientFin) {
            // a client that has already sent its FIN has nothing more to say to another server
            return false;
        }
        if (fromClient == 0 && toClient == 0) {
            return true;
        }
        return replay != null && replay.replayable() && toClient <= (replay.negotiated() ? 1 : 0);
    }


    private void connectFailed(Throwable cause) {
        backend.connectFailed(this, server, cause, () -> afterConnectFailed(cause));
    }

    private void afterConnectFailed(Throwable cause) {
        if (finished) {
            return;
        }
        if (!server.usable() && requeues < MAX_REQUEUES) {
            // The server is known to be down (or was just withdrawn because it refused us): the
            // client has sent nothing yet, so the session goes back to the queue for the next
            // usable server. This is not one of HAProxy's retries.
            requeues++;
            redispatch();
            return;
        }
        if (retries < policy.retries()) {
            retries++;
            backend.counters.retries.increment();
            server.counters.retries.increment();
            if (policy.redispatchOn(retries)) {
                backend.counters.redispatches.increment();
                server.counters.redispatches.increment();
                redispatch();
            } else {
                client.eventLoop().schedule(this::connect, policy.retryDelayMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        backend.counters.connectErrors.increment();
        server.counters.connectErrors.increment();
        terminate(cause instanceof ConnectTimeoutException ? 's' : 'S', false);
    }

    /** Gives the slot back and asks the backend again, avoiding the server that failed when another exists. */
    private void redispatch() {
        Server old = server;
        server = null;
        avoid = old;
        phase = 'Q';
        backend.release(old);
        backend.acquire(this);
    }

    /** The server channel can take more: resume reading the client. */
    void serverWritable() {
        if (clientReadPaused && !finished && serverChannel != null && serverChannel.isWritable()) {
            clientReadPaused = false;
            if (!clientFin) {
                client.read();
            }
        }
    }

    /** The client channel can take more: resume reading the server. */
    void clientWritable() {
        if (serverReadPaused && !finished && serverChannel != null && client.isWritable()) {
            serverReadPaused = false;
            if (!serverFin) {
                serverChannel.read();
            }
        }
    }

    void fromClient(ByteBuf buf) {
        if (finished) {
            buf.release();
            return;
        }
        if (serverChannel == null || awaitingNegotiation) {
            // between two servers, or replaying the opening: keep it for the server, read no more until then
            heldFromClient = heldFromClient == null ? buf : Unpooled.wrappedBuffer(heldFromClient, buf);
            return;
        }
        if (replay != null) {
            replay.client(buf);
            if (!replay.open()) {
                replay = null;
            }
        }
        int n = buf.readableBytes();
        fromClient += n;
        server.counters.bytesIn.add(n);
        backend.counters.bytesIn.add(n);
        inactivity.touch();
        // a failed write fires exceptionCaught on the server channel (void promise), which ends the session
        serverChannel.writeAndFlush(buf, serverChannel.voidPromise());
        if (serverChannel.isWritable()) {
            client.read();
        } else {
            clientReadPaused = true;
        }
    }

    void fromServer(ByteBuf buf) {
        if (finished) {
            buf.release();
            return;
        }
        if (awaitingNegotiation) {
            awaitingNegotiation = false;
            boolean no = buf.readableBytes() == 1 && buf.getByte(buf.readerIndex()) == 'N';
            buf.release();
            if (!no) {
                terminate('S', false);
                return;
            }
            serverChannel.writeAndFlush(replay.startupBytes());
            serverChannel.read();
            releaseHeld();
            return;
        }
        if (replay != null) {
            switch (replay.server(buf)) {
                case HOLD -> {
                    buf.release();
                    serverChannel.read();
                    return;
                }
                case REPLAY -> {
                    buf.release();
                    replayElsewhere(true);
                    return;
                }
                case FORWARD_HELD -> {
                    buf.release();
                    buf = replay.takeHeld();
                    replay = null;
                }
                case FORWARD -> {
                    if (!replay.open()) {
                        replay = null;
                    }
                }
            }
        }
        int n = buf.readableBytes();
        toClient += n;
        server.counters.bytesOut.add(n);
        backend.counters.bytesOut.add(n);
        inactivity.touch();
        client.writeAndFlush(buf, client.voidPromise());
        if (client.isWritable()) {
            serverChannel.read();
        } else {
            serverReadPaused = true;
        }
    }

    /** The client sent FIN: pass it on once everything before it has been written. */
    void clientFin() {
        clientFin = true;
        if (serverChannel == null) {
            terminate('C', false);
            return;
        }
        if (serverFin) {
            // both directions are done: closing (after the pending writes) sends the FIN; a
            // half-close towards a peer that has gone would only cost an exception
            terminate('-', false);
            return;
        }
        inactivity.clientFin(policy.clientFinMillis());
        SessionChannels.afterPendingWrites(serverChannel);
    }

    void serverFin() {
        if (replayable()) {
            // the server closed before answering the opening (a postmaster stopping): try the next one
            replayElsewhere(true);
            return;
        }
        serverFin = true;
        if (clientFin) {
            terminate('-', false);
            return;
        }
        inactivity.serverFin(policy.serverFinMillis());
        SessionChannels.afterPendingWrites(client);
    }


    void clientInactive() {
        terminate('-', false);
    }

    void serverInactive() {
        if (replayable()) {
            replayElsewhere(true);
            return;
        }
        terminate('-', false);
    }

    void clientError(Throwable cause) {
        terminate('C', false);
    }

    void serverError(Throwable cause) {
        if (replayable()) {
            replayElsewhere(true);
            return;
        }
        terminate('S', false);
    }

    /** Cuts the session at once (shutdown-sessions, admin); safe from any thread. */
    void kill(char code) {
        if (client.eventLoop().inEventLoop()) {
            killNow(code);
        } else {
            client.eventLoop().execute(() -> killNow(code));
        }
    }

    /** A server going down takes its sessions with it, except one whose opening can still go elsewhere. */
    private void killNow(char code) {
        if (code == 'D' && replayable()) {
            replayElsewhere(false);
        } else {
            terminate(code, true);
        }
    }

    private void terminate(char cause, boolean immediately) {
        if (finished) {
            return;
        }
        finished = true;
        who = cause;
        inactivity.stop();
        SessionChannels.close(client, immediately);
        if (serverChannel != null) {
            SessionChannels.close(serverChannel, immediately);
        }
        finish();
    }

    private void finish() {
        if (heldFromClient != null) {
            heldFromClient.release();
            heldFromClient = null;
        }
        if (replay != null) {
            replay.close();
            replay = null;
        }
        origin.bytes(fromClient, toClient);
        long now = backend.now();
        String termination = who == '-' ? "--" : "" + who + phase;
        // counted before the slot is given back, as HAProxy logs the connection counts including this one
        TcpLogRecord record = new TcpLogRecord(
                (InetSocketAddress) client.remoteAddress(),
                acceptEpochMillis,
                policy.frontend(),
                backend.name(),
                server == null ? "<NOSRV>" : server.name(),
                grantedNanos < 0 ? -1 : millis(grantedNanos - acceptNanos),
                connectedNanos < 0 ? -1 : millis(connectedNanos - grantedNanos),
                millis(now - acceptNanos),
                toClient,
                fromClient,
                termination,
                origin.actconn(),
                origin.feconn(),
                backend.sessions(),
                server == null ? 0 : server.sessions(),
                retries,
                0,
                backend.queued());
        if (server != null) {
            if (connectedNanos >= 0) {
                long q = record.queueMillis();
                long c = record.connectMillis();
                server.counters.times.record(q, c, record.totalMillis());
                backend.counters.times.record(q, c, record.totalMillis());
            }
            server.unregister(this);
            backend.release(server);
        } else {
            backend.cancel(this);
        }
        policy.accessLog().log(record);
    }

    private static long millis(long nanos) {
        return TimeUnit.NANOSECONDS.toMillis(nanos);
    }
}
