/**
 * What Pointsman knows of the Patroni cluster behind a backend, and the routing rules drawn from it.
 *
 * <p>Flow: {@link dev.pointsman.cluster.ClusterSource#start} (the runtime's entry point) →
 * {@code Discovery} asks the check ports once for {@code GET /patroni} ({@code patroni-view auto})
 * → {@code Poller} keeps a {@link dev.pointsman.cluster.ClusterView} fresh from {@code GET /cluster}
 * of a reachable member plus the DCS leader's own {@code GET /patroni} (the authority for "promoted
 * and writable", Patroni #2972), over {@code NettyHttpClient} (bounded, one request in flight) →
 * {@code ViewBuilder} (pure) → {@link dev.pointsman.cluster.ClusterListener#onView} with a
 * {@link dev.pointsman.cluster.ViewChange}. The runtime applies the pure
 * {@link dev.pointsman.cluster.RoutingRules#verdict} to each server and sets or clears its routing
 * veto, or its doubt (the leader whose {@code /patroni} went unanswered: a session it leaves silent
 * is moved); checks stay the authority for UP. {@link dev.pointsman.cluster.ClusterTable} prints a view
 * as {@code patronictl list} does.
 *
 * <p>Split brain (issue 13): the source feeds every view, and every move of the etcd leader key, to
 * the pure {@code SplitBrainDetector}; a leader back on a lower timeline than one already promoted,
 * two listed leaders, or a member seen writing its timeline as primary past the LSN where
 * {@code /history} says the next one forked ({@code DiscardedWal}: the partition), is logged at
 * level error, handed to
 * {@link dev.pointsman.cluster.ClusterListener#onSplitBrain} as a {@link dev.pointsman.cluster.SplitBrain}
 * (nodes, timelines, window, Pointsman's own counts for the losing server) and counted in
 * {@link dev.pointsman.cluster.SplitBrainAlerts} until acknowledged. Routing does not change for it.
 *
 * <p>Depends on {@code config}, {@code net} and {@code check} (PatroniStatus, PoolKind, ProbeTimeouts); never
 * on backend, frontend or runtime.
 */
package dev.pointsman.cluster;
