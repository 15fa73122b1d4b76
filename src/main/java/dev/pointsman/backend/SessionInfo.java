package dev.pointsman.backend;

import java.net.InetSocketAddress;

/**
 * One session as the runtime API's {@code show sess} lists it.
 *
 * @param client      the client's address; null when the socket no longer knows it
 * @param acceptNanos when the client was accepted, on the backend's clock
 */
public record SessionInfo(long id, InetSocketAddress client, String frontend, String backend, String server,
                          long acceptNanos) {}
