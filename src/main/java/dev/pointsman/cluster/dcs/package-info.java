/**
 * Following the Patroni cluster from its own store: an {@link dev.pointsman.cluster.dcs.EtcdKeyWatch}
 * watches one key in etcd (configured by Pointsman's {@code patroni-dcs} keyword,
 * {@link dev.pointsman.config.DcsWatch}): the leader key {@code <namespace>/<scope>/leader}, and the
 * failover key beside it, read as a {@link dev.pointsman.cluster.dcs.FailoverRequest}. It tells a
 * {@link dev.pointsman.cluster.dcs.KeyListener} of each change of value, each outage and each
 * recovery. The runtime turns a leader change into an immediate check round and withdraws the old
 * leader at once, and a due switchover request into holding new sessions away from the leader it
 * names; REST checks stay the authority for confirming the new primary (the key moves before
 * promotion completes), and while etcd is away routing goes on by checks (failsafe_mode).
 *
 * <p><b>Why the v3 JSON gateway and not jetcd.</b> etcd's Java client {@code io.etcd:jetcd-core}
 * (0.8.5) does resolve from Maven Central, but it speaks gRPC through Vert.x: it brings grpc-java,
 * protobuf, Guava and Vert.x, which is built on Netty 4.1 while Pointsman runs Netty 4.2, so one
 * of them would be forced onto a Netty it was not built for (or a shaded second Netty added).
 * Many megabytes and a second I/O stack for one key read and one watch. Every etcd 3.x serves the
 * same API as JSON over HTTP/1.1 (grpc-gateway): {@code POST /v3/kv/range} for a read, and
 * {@code POST /v3/watch} for Watch, whose answer streams one JSON object per line for as long as
 * the connection lives. That is a few hundred lines on the Netty and Jackson the proxy already has
 * ({@link dev.pointsman.cluster.dcs.HttpStream}, {@link dev.pointsman.cluster.dcs.EtcdJson}),
 * running on the proxy's own event loops.
 *
 * <p><b>Liveness.</b> etcd sends nothing on an idle watch, and its progress notifications
 * ({@code progress_notify}, requested anyway) come every ten minutes unless the server is tuned.
 * The gateway cannot take a progress request on an open watch either: Go's HTTP/1 server holds
 * its answer until the request body has ended (tried on etcd 3.4: with a chunked body left open,
 * "created" arrives only when the body is closed), so the watch request is a complete body. So
 * after a few seconds without a message the key is read again on a second connection: a failed
 * read is an outage and the watch moves to the next endpoint; a read that disagrees with the
 * watch means the watch is stale, and it is replaced (the change is reported by the re-read).
 * The {@code Grpc-Metadata-hasleader} header asks etcd to cancel the watch when its member loses
 * the raft leader, rather than leave it open and silent.
 *
 * <p>This package depends on {@code config} and {@code net} only; it is a sub-package of
 * {@code cluster} so that the cluster view can be written beside it independently.
 */
package dev.pointsman.cluster.dcs;
