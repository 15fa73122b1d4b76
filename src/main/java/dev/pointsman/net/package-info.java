/**
 * The network plumbing below the packages that talk to servers.
 * <ul>
 * <li>{@link dev.pointsman.net.Transport}: the transport chosen once per process (Netty's native
 * epoll where it loads, NIO elsewhere), shared by frontend, backend, check and cluster so that
 * every channel of a session lives on the same kind of event loop (a prerequisite for splice
 * later).
 * <li>{@link dev.pointsman.net.Scheduler}: the clocks and the single thread of a periodic worker
 * (a health checker, the cluster poller); manual in tests.
 * <li>{@link dev.pointsman.net.Exchange}: one request and its answer over one connection, with a
 * connect deadline, an answer deadline and a size cap; the request, the judging of the answer and
 * the wording of failures are the user's (a check's statuses, the cluster view's reasons).
 * <li>{@link dev.pointsman.net.HttpAnswerParser}: one bounded HTTP/1.x answer parser for
 * {@code option httpchk} and the cluster view's {@code GET}s to Patroni; what differs between
 * them (a HEAD answer has no body; a check takes a head cut by EOF) is the caller's
 * {@link dev.pointsman.net.HttpAnswerParser.Framing}.
 * </ul>
 *
 * <p>Depends on nothing of ours: {@code check} and {@code cluster} both build on it, and neither
 * has to reach into the other for plumbing.
 */
package dev.pointsman.net;
