package dev.pointsman.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;

/**
 * Drives a session's {@link StartupReplay}: watches the opening on each server, replays it on the
 * next server when the session is sent elsewhere (first the SSLRequest/GSSENCRequest, waiting for
 * that server's 'N', then the StartupMessage), and keeps what the client sends while the session
 * is between two servers: the client is not read again until the next server takes those bytes.
 *
 * <p>Owner: the session's event loop. Releases what it holds when the session ends ({@link #close}).
 */
final class ReplayDriver {
    /** How many times one session's opening may be replayed. */
    static final int MAX_REPLAYS = 10;

    private final Session session;
    private final ByteBufAllocator alloc;
    /** The replay window on the current server; null once it closed for good. */
    private StartupReplay window;
    /** The opening is to be replayed on the next server. */
    private boolean replaying;
    /** The replayed SSLRequest/GSSENCRequest waits for the new server's answer. */
    private boolean awaitingNegotiation;
    private int replays;
    /** Client bytes read while the session is between two servers (or replaying its opening). */
    private ByteBuf held;

    ReplayDriver(Session session, ByteBufAllocator alloc) {
        this.session = session;
        this.alloc = alloc;
    }

    boolean replaying() {
        return replaying;
    }

    boolean awaitingNegotiation() {
        return awaitingNegotiation;
    }

    boolean mayReplayAgain() {
        return replays < MAX_REPLAYS;
    }

    /** The client's opening is being watched and its StartupMessage is not complete yet. */
    boolean openingIncomplete() {
        return window != null && window.open() && !window.replayable();
    }

    /**
     * {@code buf} is the server's one-byte 'N' to the client's (or the replayed) SSLRequest or
     * GSSENCRequest: the StartupMessage is still to come and to be answered.
     */
    boolean negotiationAnswer(ByteBuf buf) {
        boolean no = buf.readableBytes() == 1 && buf.getByte(buf.readerIndex()) == 'N';
        return no && (awaitingNegotiation || window != null && window.negotiationPending());
    }

    /** A first server: the replay window opens. */
    void open() {
        window = new StartupReplay(alloc);
    }

    /**
     * The opening still fits the window once {@code toClient} bytes went to the client: its
     * StartupMessage is complete and the client got nothing but the one-byte answer to its
     * SSLRequest; or the client sent nothing but its SSLRequest and got no answer yet.
     */
    boolean replayableAfter(long toClient) {
        return window != null && (window.replayable() && toClient <= (window.negotiated() ? 1 : 0)
                || window.negotiationUnanswered() && toClient == 0);
    }

    /** The session leaves its server to be replayed elsewhere. */
    void leave() {
        replays++;
        replaying = window != null && (window.replayable() || window.negotiationUnanswered());
        if (replaying) {
            window.serverLeft();
        } else if (window != null) {
            window.close();
            window = null;
        }
    }

    /**
     * The first bytes for the next server, when replaying: the client's SSLRequest/GSSENCRequest
     * (when the StartupMessage followed, its answer is awaited here, see {@link #fromServer}; when
     * it was unanswered, the answer goes to the client, judged as on a first server), else the
     * StartupMessage.
     */
    ByteBuf replayOn(ByteBufAllocator channelAlloc) {
        replaying = false;
        ByteBuf negotiation = window.negotiationBytes(channelAlloc);
        if (negotiation != null) {
            awaitingNegotiation = window.startupSeen();
            return negotiation;
        }
        return window.startupBytes();
    }

    /** Keeps client bytes for the next server. */
    void hold(ByteBuf buf) {
        held = held == null ? buf : Unpooled.wrappedBuffer(held, buf);
    }

    /** What the client sent while the session was between servers; null if nothing. */
    ByteBuf takeHeld() {
        ByteBuf h = held;
        held = null;
        return h;
    }

    /** Watches client bytes on their way to the server. */
    void fromClient(ByteBuf buf) {
        if (window != null) {
            window.client(buf);
            if (!window.open()) {
                window = null;
            }
        }
    }

    /**
     * Judges server bytes while the opening is watched; returns what goes to the client, or null
     * when the bytes were kept or consumed here (the session was told what to do).
     */
    ByteBuf fromServer(ByteBuf buf) {
        if (awaitingNegotiation) {
            awaitingNegotiation = false;
            boolean no = buf.readableBytes() == 1 && buf.getByte(buf.readerIndex()) == 'N';
            buf.release();
            if (no) {
                session.negotiated(window.startupBytes());
            } else {
                session.negotiationRefused();
            }
            return null;
        }
        if (window == null) {
            return buf;
        }
        switch (window.server(buf)) {
            case HOLD -> {
                buf.release();
                session.readServer();
                return null;
            }
            case REPLAY -> {
                buf.release();
                session.refusedAtStartup();
                return null;
            }
            case FORWARD_HELD -> {
                ByteBuf all = window.takeHeld(buf);
                window = null;
                return all;
            }
            default -> {
                if (!window.open()) {
                    window = null;
                }
                return buf;
            }
        }
    }

    void close() {
        if (held != null) {
            held.release();
            held = null;
        }
        if (window != null) {
            window.close();
            window = null;
        }
    }
}
