/**
 * End-to-end tests: a real proxy process in front of the 3-node Patroni cluster of
 * {@code scripts/cluster} (pg-1..3 on 127.0.0.11-13), with the reference configuration
 * {@code examples/patroni-haproxy.cfg}: 5000 to the primary, 5001 to the replicas, 7000 stats.
 *
 * <p>Helpers are plain classes: {@link dev.pointsman.e2e.LocalCluster} drives the cluster script
 * and Patroni's REST API and opens JDBC connections; {@link dev.pointsman.e2e.ProxyProcess} runs
 * the proxy under test (Pointsman, or HAProxy for comparison: {@code -De2e.proxy=haproxy}) as a
 * child process; {@link dev.pointsman.e2e.WriteProbe} writes a numbered row through a new
 * connection every 50 ms and reports failed attempts, misrouted writes, lost acknowledged rows
 * and the window without writes. Scenarios are {@code *IT} classes, run by failsafe after the
 * unit tests; each leaves the cluster healthy for the next. See docs/E2E.md.
 */
package dev.pointsman.e2e;
