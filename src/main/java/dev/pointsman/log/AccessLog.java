package dev.pointsman.log;

import java.net.InetSocketAddress;

/** Where finished sessions go. Implementations never block the caller (an event loop). */
public interface AccessLog {
    void log(TcpLogRecord record);

    /**
     * A connection was accepted: HAProxy's default (non-tcplog) format logs
     * {@code Connect from <client> to <local> (<frontend>/TCP)} at this point. No-op by default.
     */
    default void connected(InetSocketAddress client, InetSocketAddress local, String frontend) {
    }

    AccessLog NONE = record -> { };
}
