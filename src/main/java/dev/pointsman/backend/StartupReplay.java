package dev.pointsman.backend;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/**
 * Makes a PostgreSQL server that refuses a new session because it is shutting down or starting
 * up (SQLSTATE 57P03, "cannot connect now") invisible to the client: the session is sent to the
 * next usable server and the client's opening bytes are replayed there.
 *
 * <p>What is replayed, and why it is safe: only the opening of a session, before the server has
 * said anything but its one-byte answer to an SSLRequest/GSSENCRequest ('N'). That is at most an
 * SSLRequest or GSSENCRequest (8 bytes) and the StartupMessage (user, database, options) — no
 * password, no query, nothing the server has acted on. A refusal is replayed only when it comes
 * as the server's first message after the StartupMessage (ErrorResponse with code 57P03); an
 * authentication request, any other error or any other byte ends the replay window for good. A
 * client that negotiated TLS ('S') or sends anything that is not a PostgreSQL opening ends it at
 * once, so non-PostgreSQL traffic is relayed untouched.
 *
 * <p>Not thread-safe: lives on its session's event loop. Holds at most {@link #MAX_BYTES} and
 * releases them when the window closes.
 */
final class StartupReplay {
    static final int MAX_BYTES = 8192;
    private static final int SSL_REQUEST = 80877103;
    private static final int GSSENC_REQUEST = 80877104;
    private static final int PROTOCOL_3 = 196608;

    /**
     * What to do with bytes the server sent while the window is open: FORWARD them as they are;
     * FORWARD_HELD: forward {@link #takeHeld(ByteBuf)} instead (it includes them); HOLD: keep
     * waiting for the rest of a message; REPLAY: the server refused with 57P03 — send the session
     * elsewhere.
     */
    enum Verdict { FORWARD, FORWARD_HELD, HOLD, REPLAY }

    private boolean negotiation;        // the client opened with SSLRequest/GSSENCRequest
    private int negotiationCode;
    private ByteBuf startup;            // the StartupMessage, once complete
    private final ByteBufAllocator alloc;
    private ByteBuf clientBytes;        // what the client sent so far (allocated on first use)
    private ByteBuf serverBytes;        // what the server sent after the StartupMessage, not yet forwarded
    private boolean heldIncludesLast;   // the buffer last judged was copied into serverBytes
    private boolean closed;

    StartupReplay(ByteBufAllocator alloc) {
        this.alloc = alloc;
    }

    boolean open() {
        return !closed;
    }

    /**
     * The client sent only its SSLRequest/GSSENCRequest so far (the caller knows whether the server
     * answered it): replayed alone, the next server's answer goes to the client.
     */
    boolean negotiationPending() {
        return !closed && startup == null && negotiation;
    }

    /** The StartupMessage is complete and nothing the server said since has been forwarded. */
    boolean replayable() {
        return !closed && startup != null;
    }

    /**
     * The client sent an SSLRequest/GSSENCRequest and nothing else, and waits for the answer: a
     * server that drops the session now has said nothing, and the request can go to another one,
     * whose answer ('S' too: the client's TLS then starts there) reaches the client as if first.
     */
    boolean negotiationUnanswered() {
        return !closed && negotiation && startup == null && clientBytes != null && clientBytes.readableBytes() == 0;
    }

    /** Records bytes from the client; closes the window when they are not a PostgreSQL opening. */
    void client(ByteBuf buf) {
        if (closed) {
            return;
        }
        if (clientBytes == null) {
            clientBytes = alloc.heapBuffer(Math.min(MAX_BYTES, Math.max(64, buf.readableBytes())), MAX_BYTES);
        }
        if (startup != null || clientBytes.readableBytes() + buf.readableBytes() > MAX_BYTES) {
            close();
            return;
        }
        clientBytes.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
        parseClient();
    }

    private void parseClient() {
        while (!closed && clientBytes.readableBytes() >= 8 && startup == null) {
            int start = clientBytes.readerIndex();
            int len = clientBytes.getInt(start);
            int code = clientBytes.getInt(start + 4);
            if (len == 8 && (code == SSL_REQUEST || code == GSSENC_REQUEST) && !negotiation) {
                negotiation = true;
                negotiationCode = code;
                clientBytes.skipBytes(8);
            } else if (code == PROTOCOL_3 && len >= 8 && len <= MAX_BYTES) {
                if (clientBytes.readableBytes() < len) {
                    return;
                }
                startup = clientBytes.readRetainedSlice(len);
            } else {
                close();
            }
        }
    }

    /**
     * Judges bytes from the server. FORWARD: pass them on (the window may have closed); HOLD: they
     * are kept here, a message is incomplete; REPLAY: the server refused with 57P03 and the held
     * bytes are dropped — send the session elsewhere and replay {@link #startupBytes}.
     */
    Verdict server(ByteBuf buf) {
        if (closed) {
            return Verdict.FORWARD;
        }
        if (startup == null) {
            // only the one-byte answer to SSLRequest/GSSENCRequest may come before the StartupMessage
            if (negotiation && buf.readableBytes() == 1 && buf.getByte(buf.readerIndex()) == 'N') {
                return Verdict.FORWARD;
            }
            close();
            return Verdict.FORWARD;
        }
        if (serverBytes == null) {
            serverBytes = alloc.heapBuffer(Math.min(MAX_BYTES, Math.max(64, buf.readableBytes())), MAX_BYTES);
        }
        if (serverBytes.readableBytes() + buf.readableBytes() > MAX_BYTES) {
            // more than the window holds: it is not a refusal; what is held goes first, then buf
            heldIncludesLast = false;
            return serverBytes.readableBytes() == 0 ? closeAnd(Verdict.FORWARD) : Verdict.FORWARD_HELD;
        }
        serverBytes.writeBytes(buf, buf.readerIndex(), buf.readableBytes());
        heldIncludesLast = true;
        if (serverBytes.readableBytes() < 5) {
            return Verdict.HOLD;
        }
        int start = serverBytes.readerIndex();
        byte type = serverBytes.getByte(start);
        int len = serverBytes.getInt(start + 1);
        if (type != 'E' || len < 4 || len > MAX_BYTES) {
            return Verdict.FORWARD_HELD;
        }
        if (serverBytes.readableBytes() < len + 1) {
            return Verdict.HOLD;
        }
        if ("57P03".equals(sqlState(serverBytes, start + 5, start + 1 + len))) {
            serverBytes.clear();
            return Verdict.REPLAY;
        }
        return Verdict.FORWARD_HELD;
    }

    private Verdict closeAnd(Verdict v) {
        close();
        return v;
    }

    /**
     * After FORWARD_HELD for {@code current} (which this takes over): everything the server sent
     * since the StartupMessage, {@code current} included, for the caller to forward; the window is
     * closed.
     */
    ByteBuf takeHeld(ByteBuf current) {
        ByteBuf held = serverBytes;
        serverBytes = null;
        boolean alreadyIn = heldIncludesLast;
        close();
        if (alreadyIn) {
            current.release();
            return held;
        }
        return Unpooled.wrappedBuffer(held, current);
    }

    /**
     * The session leaves this server to replay the opening elsewhere: the next server's answer is
     * judged on its own, not after bytes this one left unfinished.
     */
    void serverLeft() {
        if (serverBytes != null) {
            serverBytes.clear();
        }
    }

    /** The SQLSTATE ('C' field) of the ErrorResponse fields between {@code from} and {@code to}. */
    static String sqlState(ByteBuf b, int from, int to) {
        int i = from;
        while (i < to) {
            byte field = b.getByte(i++);
            if (field == 0) {
                return null;
            }
            int end = b.indexOf(i, to, (byte) 0);
            if (end < 0) {
                return null;
            }
            if (field == 'C') {
                return b.toString(i, end - i, StandardCharsets.US_ASCII);
            }
            i = end + 1;
        }
        return null;
    }

    /** The SSLRequest/GSSENCRequest the client opened with, if any (8 bytes), to send first on a new server. */
    ByteBuf negotiationBytes(ByteBufAllocator alloc) {
        return negotiation ? alloc.buffer(8).writeInt(8).writeInt(negotiationCode) : null;
    }

    /** The StartupMessage is complete (else only the negotiation request is replayed). */
    boolean startupSeen() {
        return startup != null;
    }

    /** The StartupMessage to send on the new server. */
    ByteBuf startupBytes() {
        return startup.retainedDuplicate();
    }

    boolean negotiated() {
        return negotiation;
    }

    void close() {
        if (!closed) {
            closed = true;
            if (clientBytes != null) {
                clientBytes.release();
            }
            if (serverBytes != null) {
                serverBytes.release();
                serverBytes = null;
            }
            if (startup != null) {
                startup.release();
                startup = null;
            }
        }
    }
}
