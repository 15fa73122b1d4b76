package dev.pointsman.log;

import java.net.InetSocketAddress;

/**
 * One finished session, the fields of HAProxy's {@code option tcplog} format:
 * {@code %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq}.
 *
 * @param acceptEpochMillis when the client connection was accepted
 * @param server            the server reached, or {@code <NOSRV>}
 * @param queueMillis       Tw: time spent in the queue, -1 when the session never left it
 * @param connectMillis     Tc: time to connect including retries, -1 when never connected
 * @param totalMillis       Tt
 * @param bytesToClient     %B: bytes sent from server to client
 * @param bytesFromClient   bytes sent from client to server (for stats and {@code dontlognull})
 * @param termination       two characters: who ended it and at which phase (e.g. {@code --}, {@code SC}, {@code sQ}, {@code D-})
 */
public record TcpLogRecord(
        InetSocketAddress client,
        long acceptEpochMillis,
        String frontend,
        String backend,
        String server,
        long queueMillis,
        long connectMillis,
        long totalMillis,
        long bytesToClient,
        long bytesFromClient,
        String termination,
        int actconn,
        int feconn,
        int beconn,
        int srvconn,
        int retries,
        int srvQueue,
        int backendQueue) {
}
