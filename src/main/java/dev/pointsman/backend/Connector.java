package dev.pointsman.backend;

import io.netty.channel.Channel;
import io.netty.channel.ChannelException;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Takes a session from a granted slot to a connected server channel: opens the socket within
 * {@code timeout connect}, retries and redispatches as configured ({@code retries},
 * {@code option redispatch}), and sends the session back to the queue when its server is down
 * (README, difference 3). Holds the session's slot: the server it was granted, or none while the
 * session waits in the queue.
 *
 * <p>Owner: the session's event loop (the client channel's); server channels are registered on it.
 */
final class Connector {
    /** How many times a session may be sent back to the queue because its server went down while connecting. */
    static final int MAX_REQUEUES = 10;

    private final Session session;
    private final Backend backend;
    private final SessionPolicy policy;
    private final EventLoop loop;
    private Server server;
    private Server avoid;
    /** The server channel being connected, with its handler; null when no connect is in flight. */
    private Channel connecting;
    private RelayHandlers.ServerSide connectingSide;
    private int retries;
    private int requeues;

    Connector(Session session, Backend backend, SessionPolicy policy, EventLoop loop) {
        this.session = session;
        this.backend = backend;
        this.policy = policy;
        this.loop = loop;
    }

    /** The server whose slot the session holds; null while it waits in the queue. */
    Server server() {
        return server;
    }

    /** The server to skip when another has room: the one the session just left. */
    Server avoid() {
        return avoid;
    }

    int retries() {
        return retries;
    }

    /** A slot on {@code s} is the session's: connect to it. */
    void granted(Server s) {
        server = s;
        connect();
    }

    /**
     * Opens the server connection on the session's event loop. What a {@code Bootstrap} would do,
     * without its per-connection option map and reflection: a socket is made per session. A
     * channel the factory hands over already registered (a test's {@code EmbeddedChannel}) is
     * connected as it is. Whatever throws on the way (the socket cannot be made: EMFILE) is a
     * failed attempt like a refused connect, never lost: this runs from a scheduled retry or a
     * grant posted to the loop, where an exception would vanish with the slot still held.
     */
    private void connect() {
        if (session.finished()) {
            return;
        }
        RelayHandlers.ServerSide side = new RelayHandlers.ServerSide(session);
        Channel ch;
        try {
            ch = SessionChannels.newServerChannel(policy, side, server.config().address());
        } catch (Exception e) {
            failed(e, true);
            return;
        }
        if (ch.isRegistered()) {
            connect(ch, side);
            return;
        }
        try {
            loop.register(ch).addListener((ChannelFutureListener) registered -> {
                if (registered.isSuccess()) {
                    connect(ch, side);
                } else {
                    localFailure(ch, side, registered.cause());
                }
            });
        } catch (Exception e) {
            localFailure(ch, side, e);
        }
    }

    /** The channel could not be registered or connected at all: drop it, and count a failed attempt. */
    private void localFailure(Channel ch, RelayHandlers.ServerSide side, Throwable cause) {
        side.detached = true;
        ch.unsafe().closeForcibly();
        failed(cause, true);
    }

    private void connect(Channel ch, RelayHandlers.ServerSide side) {
        if (session.finished()) { // ended while the channel was being registered
            side.detached = true;
            ch.close();
            return;
        }
        connecting = ch;
        connectingSide = side;
        try {
            ch.connect(server.config().address()).addListener((ChannelFutureListener) f -> connected(f, side));
        } catch (Exception e) {
            localFailure(ch, side, e);
        }
    }

    private void connected(ChannelFuture f, RelayHandlers.ServerSide side) {
        Channel ch = f.channel();
        if (connecting == ch) {
            connecting = null;
            connectingSide = null;
        }
        if (session.finished()) {
            side.detached = true;
            ch.close();
            return;
        }
        if (!f.isSuccess()) {
            side.detached = true; // its events are no longer this session's
            ch.close();
            failed(f.cause(), false);
            return;
        }
        server.register(session);
        if (!server.usable() && requeues < MAX_REQUEUES) {
            // The server went down while we connected; the client has sent nothing yet, so the
            // session can safely go back to the queue for the next usable server.
            requeues++;
            server.unregister(session);
            side.detached = true; // closing it is leaving this server, not the session's end
            ch.close();
            requeue();
            return;
        }
        session.connected(ch, side);
    }

    /**
     * One attempt failed: back to the queue when the server is down, else retry (here or, with
     * {@code option redispatch}, elsewhere), else the session ends. A {@code local} failure (the
     * socket could not be made or registered) is the proxy's, not the server's: the backend is not
     * told, so the server is not withdrawn, and the session ends {@code RC} (HAProxy's "a resource
     * on the proxy has been exhausted") or {@code IC} for anything else.
     */
    private void failed(Throwable cause, boolean local) {
        if (local) {
            decide(cause, true);
            return;
        }
        // the backend's owner acts on the failure first (withdraws the server), then the session
        // decides here, seeing the server as the owner left it
        backend.connectFailed(session, server, cause, () -> {
            if (!session.finished()) {
                decide(cause, false);
            }
        });
    }

    private void decide(Throwable cause, boolean local) {
        if (!server.usable() && requeues < MAX_REQUEUES) {
            // The server is known to be down (or was just withdrawn because it refused us): the
            // client has sent nothing yet, so the session goes back to the queue for the next
            // usable server. This is not one of HAProxy's retries.
            requeues++;
            requeue();
            return;
        }
        if (retries < policy.retries()) {
            retries++;
            backend.counters.retries.increment();
            server.counters.retries.increment();
            if (policy.redispatchOn(retries)) {
                backend.counters.redispatches.increment();
                server.counters.redispatches.increment();
                requeue();
            } else {
                loop.schedule((Runnable) this::connect, policy.retryDelayMillis(), TimeUnit.MILLISECONDS);
            }
            return;
        }
        backend.counters.connectErrors.increment();
        server.counters.connectErrors.increment();
        session.connectFailed(local ? (cause instanceof ChannelException || cause instanceof IOException ? 'R' : 'I')
                : cause instanceof ConnectTimeoutException ? 's' : 'S');
    }

    /** Gives the slot back and asks the backend again, avoiding the server just left when another exists. */
    void requeue() {
        Server old = server;
        server = null;
        avoid = old;
        session.requeued();
        backend.release(old);
        backend.acquire(session);
    }

    /** The session ended: a connect in flight is dropped at once (its completion finds the session finished). */
    void abort() {
        if (connecting != null) {
            connectingSide.detached = true;
            connecting.close();
        }
    }

    /** The session ended: its slot goes back to the backend, or it leaves the queue. */
    void giveBack() {
        if (server != null) {
            server.unregister(session);
            backend.release(server);
        } else {
            backend.cancel(session);
        }
    }
}
