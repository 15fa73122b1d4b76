/**
 * The network plumbing below the packages that talk to servers. {@link dev.pointsman.net.Transport}:
 * the transport chosen once per process (Netty's native epoll where it loads, NIO elsewhere),
 * shared by frontend, backend, check and cluster so that every channel of a session lives on the
 * same kind of event loop (a prerequisite for splice later). {@link dev.pointsman.net.Scheduler}:
 * the clocks and the single thread of a periodic worker (health checks, the cluster poller),
 * manual in tests. {@link dev.pointsman.net.HttpAnswerParser}: one bounded HTTP/1.x answer parser
 * for a check's {@code option httpchk} and the cluster view's {@code GET}s to Patroni; what differs
 * between them (a HEAD answer has no body; a check takes a head cut by EOF) is the caller's
 * {@link dev.pointsman.net.HttpAnswerParser.Framing}.
 *
 * <p>Depends on nothing of ours: {@code check} and {@code cluster} both build on it, and neither
 * has to reach into the other for plumbing.
 */
package dev.pointsman.net;
