package dev.pointsman.backend;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;

/**
 * The bytes of one session in flight: writes what one side sent to the other and reads a side
 * again only while the other side's channel can take more (below its high watermark), so a peer
 * that does not read stops the relay instead of filling memory, and no more than one read is ever
 * buffered. Counts what passes, and remembers which side has sent its FIN (it is not read again).
 *
 * <p>Owner: the session's event loop.
 */
final class Relay {
    private final Channel client;
    private final Backend.Counters backendCounters;
    private final InactivityTimer inactivity;
    private Channel server;
    private Server.Counters serverCounters;
    private long fromClient;
    private long toClient;
    private boolean clientFin;
    private boolean serverFin;
    /** Reads from the client wait until the server channel can take more. */
    private boolean clientReadPaused;
    private boolean serverReadPaused;

    Relay(Channel client, Backend.Counters backendCounters, InactivityTimer inactivity) {
        this.client = client;
        this.backendCounters = backendCounters;
        this.inactivity = inactivity;
    }

    /** The server channel bytes go to from now on. */
    void attach(Channel channel, Server s) {
        server = channel;
        serverCounters = s.counters;
    }

    /** The session left its server channel (it is between two servers). */
    void detach() {
        server = null;
    }

    /** The connected server channel; null while the session has none. */
    Channel server() {
        return server;
    }

    long fromClient() {
        return fromClient;
    }

    long toClient() {
        return toClient;
    }

    boolean clientFin() {
        return clientFin;
    }

    boolean serverFin() {
        return serverFin;
    }

    void clientFinished() {
        clientFin = true;
    }

    void serverFinished() {
        serverFin = true;
    }

    void readServer() {
        server.read();
    }

    void toServer(ByteBuf buf) {
        int n = buf.readableBytes();
        fromClient += n;
        serverCounters.bytesIn.add(n);
        backendCounters.bytesIn.add(n);
        inactivity.touch();
        // a failed write fires exceptionCaught on the server channel (void promise), which ends the session
        server.writeAndFlush(buf, server.voidPromise());
        if (server.isWritable()) {
            client.read();
        } else {
            clientReadPaused = true;
        }
    }

    void toClient(ByteBuf buf) {
        int n = buf.readableBytes();
        toClient += n;
        serverCounters.bytesOut.add(n);
        backendCounters.bytesOut.add(n);
        inactivity.touch();
        client.writeAndFlush(buf, client.voidPromise());
        if (client.isWritable()) {
            server.read();
        } else {
            serverReadPaused = true;
        }
    }

    /** The server channel can take more: resume reading the client. */
    void serverWritable() {
        if (clientReadPaused && server != null && server.isWritable()) {
            clientReadPaused = false;
            if (!clientFin) {
                client.read();
            }
        }
    }

    /** The client channel can take more: resume reading the server. */
    void clientWritable() {
        if (serverReadPaused && server != null && client.isWritable()) {
            serverReadPaused = false;
            if (!serverFin) {
                server.read();
            }
        }
    }
}
