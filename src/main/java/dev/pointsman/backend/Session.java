package dev.pointsman.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client ↔ server session: the state machine that ties its parts together.
 *
 * <p>Flow: wait for a slot (queue) → connect ({@link Connector}: {@code timeout connect},
 * retries, redispatch, back to the queue when the server is down) → relay ({@link Relay}:
 * backpressure, counts) while {@link ReplayDriver} watches the PostgreSQL opening, which a server
 * stopping or starting may refuse: then the opening is replayed on the next usable server → on
 * the end, close both channels ({@link SessionChannels}), give the slot back, and log one tcplog
 * record ({@link SessionLog}). Inactivity is one timer ({@link InactivityTimer}).
 *
 * <p>Termination state, HAProxy's two letters: who ended it ({@code -} normal, {@code C}/{@code S}
 * client/server abort or refusal, {@code c}/{@code s} timeouts, {@code D} server went down,
 * {@code U} backup cut, {@code K} admin, {@code P} proxy limit, {@code R} the proxy could not make
 * a socket, {@code I} any other internal error) and at which phase ({@code Q} queue, {@code C}
 * connect, {@code D} data).
 *
 * <p>A server that drops a session before anything was said either way is a postmaster stopping
 * only right after the connect: then the session is replayed elsewhere (and the server withdrawn)
 * like a 57P03 refusal. Later it is the server timing out a client that never spoke (PostgreSQL's
 * {@code authentication_timeout}, 60 s by default and never under 1 s): the session ends, the
 * client is closed, and the healthy server is neither withdrawn nor left. The line between the two
 * is {@link #SILENT_DROP_WINDOW_NANOS} after the connect.
 *
 * <p>A server that accepted the connection and then answers nothing to the client's opening while
 * the cluster view doubts it ({@link Server#doubt()}: the Patroni leader whose own API does not
 * answer either) may be a frozen node whose kernel completes handshakes for it: after
 * {@link #GREETING_WAIT_MILLIS} the session leaves it and its opening goes to the next usable
 * server or waits in the queue ({@link GreetingWatch}), and does not come back to it while it stays
 * {@linkplain Server#shunned() shunned}. The server is withdrawn for everyone (until a check passes)
 * only when its own latest check failed too; once a check begun after the doubt passes, it is alive,
 * maybe slow, and its silence moves no more sessions.
 *
 * <p>Owner: the client channel's event loop; the server channel is registered on the same loop,
 * so no field needs synchronisation. Other threads reach a session only through {@link #kill} and
 * the backend's grants, both run on that loop.
 */
public final class Session implements Waiter {
    /** How soon after the connect a server dropping a silent client counts as stopping (below PostgreSQL's 1 s minimum authentication_timeout). */
    static final long SILENT_DROP_WINDOW_NANOS = TimeUnit.SECONDS.toNanos(1);
    /**
     * How long a server the cluster view doubts may leave the client's opening unanswered before
     * the session leaves it. PostgreSQL answers a StartupMessage (or an SSLRequest) within
     * milliseconds; a server the view does not doubt is never left for its silence.
     */
    static final long GREETING_WAIT_MILLIS = 500;
    private static final AtomicLong IDS = new AtomicLong();

    /** A number naming this session in {@code show sess}, unique in the process. */
    private final long id = IDS.incrementAndGet();

    private final Channel client;
    private final Backend backend;
    private final SessionPolicy policy;
    private final SessionOrigin origin;
    private final int sourceHash;
    private final InactivityTimer inactivity;
    private final Connector connector;
    private final Relay relay;
    private final ReplayDriver opening;
    private final GreetingWatch greeting;
    /** The server this session left for its silence (see {@link #leftSilent()}); null when none. */
    private volatile Server leftSilent;
    /** The current server has sent something since the session reached it. */
    private boolean serverSpoke;
    private final SessionLog log;
    /** The handler of the connected server channel; detached when the session leaves that server. */
    private RelayHandlers.ServerSide serverSide;
    private char who = '-';
    private char phase = 'Q';
    private boolean finished;
    /** What is left of its time in the queue: the backend's owner alone reads and writes it (see {@link Waiter#queueBudgetNanos()}). */
    private long queueBudgetNanos = Long.MIN_VALUE;

    Session(Channel client, Backend backend, SessionPolicy policy, SessionOrigin origin) {
        this.client = client;
        this.backend = backend;
        this.policy = policy;
        this.origin = origin;
        this.log = new SessionLog(backend.now(), System.currentTimeMillis());
        this.sourceHash = client.remoteAddress() instanceof InetSocketAddress remote ? remote.getAddress().hashCode() : 0;
        // a timeout closes at once: a peer that does not read has had its time
        this.inactivity = new InactivityTimer(client.eventLoop(), policy.clientMillis(), policy.serverMillis(),
                side -> terminate(side, true));
        this.connector = new Connector(this, backend, policy, client.eventLoop());
        this.relay = new Relay(client, backend.counters, inactivity);
        this.opening = new ReplayDriver(this, client.alloc());
        this.greeting = new GreetingWatch(client.eventLoop(), this::greetingDue);
    }

    /** The handler a frontend installs on each accepted channel (AUTO_READ off, half-closure allowed). */
    public static ChannelHandler clientHandler(Backend backend, SessionPolicy policy, SessionOrigin origin) {
        return new RelayHandlers.ClientSide(backend, policy, origin);
    }

    void start() {
        backend.acquire(this);
    }

    /** What {@code show sess} prints of this session while it relays through {@code server}; final fields only, any thread. */
    SessionInfo info(Server server) {
        return new SessionInfo(id, client.remoteAddress() instanceof InetSocketAddress a ? a : null, policy.frontend(),
                backend.name(), server.name(), log.acceptNanos());
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
    public Server avoid() {
        return connector.avoid();
    }

    @Override
    public Server leftSilent() {
        return leftSilent;
    }

    @Override
    public long queueBudgetNanos() {
        return queueBudgetNanos;
    }

    @Override
    public void queueBudgetNanos(long budget) {
        queueBudgetNanos = budget;
    }

    boolean finished() {
        return finished;
    }

    @Override
    public void granted(Server s) {
        if (finished) {
            backend.release(s);
            return;
        }
        log.granted(backend.now());
        phase = 'C';
        connector.granted(s);
    }

    @Override
    public void queueTimeout(boolean queueFull) {
        terminate(queueFull ? 'P' : 's', false);
    }

    /** The connector sent the session back to the queue. */
    void requeued() {
        phase = 'Q';
    }

    /** The connector gave up: {@code cause} is who failed ({@code S} refused, {@code s} timeout, {@code R}/{@code I} the proxy). */
    void connectFailed(char cause) {
        terminate(cause, false);
    }

    /** The connector reached the server: relay from now on, replaying the opening first if it was refused elsewhere. */
    void connected(Channel ch, RelayHandlers.ServerSide side) {
        serverSide = side;
        relay.attach(ch, connector.server());
        log.connected(backend.now());
        phase = 'D';
        inactivity.start();
        serverSpoke = false;
        if (opening.replaying()) {
            ch.writeAndFlush(opening.replayOn(ch.alloc()));
            watchIfDoubted(); // the replayed opening reached this server: its wait starts now
            if (!opening.awaitingNegotiation()) {
                relayHeld();
            }
            ch.read();
            return;
        }
        opening.open();
        ch.read();
        if (!relayHeld()) {
            client.read();
        }
    }

    /** The new server said 'N' to the replayed SSLRequest: the StartupMessage follows. */
    void negotiated(ByteBuf startup) {
        relay.server().writeAndFlush(startup);
        watchIfDoubted();
        relay.readServer();
        relayHeld();
    }

    void negotiationRefused() {
        terminate('S', false);
    }

    void readServer() {
        relay.readServer();
    }

    /** The server refused the opening with 57P03 (stopping or starting): replay it on the next server. */
    void refusedAtStartup() {
        replayElsewhere(true, new RefusedAtStartup());
    }

    /**
     * Starts the greeting wait when the cluster view doubts the server: a server it does not doubt
     * costs no timer (a doubt that begins later starts the wait of its unanswered sessions, see
     * {@link #doubtBegan()}).
     */
    private void watchIfDoubted() {
        if (connector.server().doubt() != null) {
            greeting.start();
        }
    }

    /**
     * The cluster view began to doubt this session's server (told on this session's loop): an
     * opening already sent and still unanswered gets its full wait from now.
     */
    void doubtBegan() {
        if (!finished && !serverSpoke && phase == 'D' && relay.server() != null && relay.fromClient() > 0) {
            greeting.start();
        }
    }

    /**
     * The greeting wait ran out: leaves a silent server the view doubts when the client has spoken
     * and its opening can still go elsewhere; true to keep watching.
     */
    private boolean greetingDue() {
        if (finished || serverSpoke || phase != 'D' || relay.server() == null) {
            return false;
        }
        if (relay.fromClient() == 0) {
            return false; // the client has not spoken: nothing is owed yet (its opening starts the wait)
        }
        if (!replayable(false)) {
            return false;
        }
        Server server = connector.server();
        if (server.doubt() == null) {
            return false; // a doubt that begins again starts the wait again
        }
        if (server.failingCheck()) {
            // frozen both ways (even if a check passed earlier in the doubt): withdrawn until a check
            // passes, so no other session is sent there
            leftSilent = server;
            replayElsewhere(true, RefusedAtStartup.silent(GREETING_WAIT_MILLIS));
            return false;
        }
        if (!server.shunned()) {
            // a check begun since the doubt passed: alive, maybe slow; wait for its answer, and keep
            // watching while it is doubted, should its check fail meanwhile
            return true;
        }
        leftSilent = server;
        // its check passed before the doubt: maybe only slow, so the server is not withdrawn for everyone,
        // but this session waits elsewhere until a check shows it alive or the doubt clears
        replayElsewhere(false, null);
        return false;
    }

    /** Relays what the client sent while the session was between servers; false if there was nothing. */
    private boolean relayHeld() {
        ByteBuf held = opening.takeHeld();
        if (held == null) {
            return false;
        }
        fromClient(held);
        return true;
    }

    /**
     * Leaves the server, withdraws it until its checks confirm it ({@code withdraw}), and replays
     * the opening on the next usable server. See {@link StartupReplay} for what is safe to replay.
     */
    private void replayElsewhere(boolean withdraw, RefusedAtStartup why) {
        if (!opening.mayReplayAgain()) {
            terminate('S', false);
            return;
        }
        Server failed = connector.server();
        greeting.stop();
        serverSide.detached = true;
        relay.server().close();
        relay.detach();
        failed.unregister(this);
        opening.leave();
        if (withdraw) {
            // requeued once the owner has withdrawn the server, so that the next pick cannot find it
            backend.connectFailed(this, failed, why, () -> {
                if (!finished) {
                    connector.requeue();
                }
            });
        } else {
            connector.requeue();
        }
    }

    /**
     * The client's opening can still go to another server: nothing was exchanged yet (when the
     * server dropped the session: only within {@link #SILENT_DROP_WINDOW_NANOS} of the connect), or
     * its StartupMessage is complete and it has received nothing but the one-byte answer to its
     * SSLRequest.
     */
    private boolean replayable(boolean serverDropped) {
        if (finished || phase != 'D' || relay.server() == null || !opening.mayReplayAgain() || relay.clientFin()) {
            // a client that has already sent its FIN has nothing more to say to another server
            return false;
        }
        if (silent()) {
            return !serverDropped || backend.now() - log.connectedNanos() < SILENT_DROP_WINDOW_NANOS;
        }
        return opening.replayableAfter(relay.toClient());
    }

    /** Nothing went either way on this session yet. */
    private boolean silent() {
        return relay.fromClient() == 0 && relay.toClient() == 0;
    }

    void fromClient(ByteBuf buf) {
        if (finished) {
            buf.release();
            return;
        }
        if (relay.server() == null || opening.awaitingNegotiation()) {
            // between two servers, or replaying the opening: keep it for the server, read no more until then
            opening.hold(buf);
            return;
        }
        boolean openingUnderWay = opening.openingIncomplete();
        opening.fromClient(buf);
        relay.toServer(buf);
        if (openingUnderWay && !serverSpoke) {
            // each piece of the opening gives the server its full wait, counted from when it reached it
            watchIfDoubted();
        }
    }

    void fromServer(ByteBuf buf) {
        if (finished) {
            buf.release();
            return;
        }
        if (!serverSpoke && !opening.negotiationAnswer(buf)) {
            // only a real answer to the StartupMessage (or 'S': TLS, opaque from then on) ends the greeting watch
            serverSpoke = true;
            greeting.stop();
        }
        ByteBuf out = opening.fromServer(buf);
        if (out != null) {
            relay.toClient(out);
        }
    }

    void serverWritable() {
        if (!finished) {
            relay.serverWritable();
        }
    }

    void clientWritable() {
        if (!finished) {
            relay.clientWritable();
        }
    }

    /** The client sent FIN: pass it on once everything before it has been written. */
    void clientFin() {
        relay.clientFinished();
        if (relay.server() == null) {
            terminate('C', false);
            return;
        }
        if (relay.serverFin()) {
            // both directions are done: closing (after the pending writes) sends the FIN; a
            // half-close towards a peer that has gone would only cost an exception
            terminate('-', false);
            return;
        }
        inactivity.clientFin(policy.clientFinMillis());
        SessionChannels.keepPolledAfterFin(client);
        SessionChannels.afterPendingWrites(relay.server());
    }

    void serverFin() {
        if (replayable(true)) {
            // the server closed before answering the opening (a postmaster stopping): try the next one
            replayElsewhere(true, RefusedAtStartup.dropped());
            return;
        }
        if (silent()) {
            // the server timed out a client that never spoke: there is nothing to pass on
            terminate('-', false);
            return;
        }
        relay.serverFinished();
        if (relay.clientFin()) {
            terminate('-', false);
            return;
        }
        inactivity.serverFin(policy.serverFinMillis());
        SessionChannels.keepPolledAfterFin(relay.server());
        SessionChannels.afterPendingWrites(client);
    }

    void clientInactive() {
        terminate('-', false);
    }

    void serverInactive() {
        if (replayable(true)) {
            replayElsewhere(true, RefusedAtStartup.dropped());
            return;
        }
        terminate('-', false);
    }

    void clientError(Throwable cause) {
        terminate('C', false);
    }

    void serverError(Throwable cause) {
        if (replayable(true)) {
            replayElsewhere(true, RefusedAtStartup.dropped());
            return;
        }
        terminate('S', false);
    }

    /**
     * Cuts the session at once if it is still relaying through {@code from} (shutdown-sessions,
     * admin); safe from any thread. The order comes from a snapshot of {@code from}'s sessions
     * taken on another thread: by the time it runs here, the session may have left {@code from}
     * (replayed elsewhere, or back in the queue), and then it is not {@code from}'s to cut.
     */
    void kill(char code, Server from) {
        if (client.eventLoop().inEventLoop()) {
            killNow(code, from);
        } else {
            client.eventLoop().execute(() -> killNow(code, from));
        }
    }

    /** A server going down takes its sessions with it, except one whose opening can still go elsewhere. */
    private void killNow(char code, Server from) {
        if (finished || relay.server() == null || connector.server() != from) {
            return;
        }
        from.counters.killed.increment();
        if (code == 'D' && replayable(false)) {
            replayElsewhere(false, null);
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
        greeting.stop();
        connector.abort();
        Channel server = relay.server();
        if (immediately) {
            client.close();
            if (server != null) {
                server.close();
            }
        } else {
            // what can be flushed goes, each side waited for no longer than its inactivity timeout
            long c = inactivity.clientMillis();
            long s = inactivity.serverMillis();
            SessionChannels.closeAfterFlush(client, c > 0 ? c : s);
            if (server != null) {
                SessionChannels.closeAfterFlush(server, s > 0 ? s : c);
            }
        }
        finish();
    }

    private void finish() {
        opening.close();
        origin.bytes(relay.fromClient(), relay.toClient());
        Server server = connector.server();
        var record = log.record((InetSocketAddress) client.remoteAddress(), policy, backend, server, origin,
                relay.toClient(), relay.fromClient(), SessionLog.termination(who, phase), connector.retries());
        connector.giveBack();
        policy.accessLog().log(record);
    }
}
