/**
 * The only place that wires everything: build from a {@link dev.pointsman.config.Config}, start,
 * reload in place ({@link dev.pointsman.runtime.Reloader} on SIGHUP → {@code ConfigDiff} →
 * {@code Reload}: new addresses bound all or nothing, then each backend takes its new servers on
 * its owner, kept servers keep state and checker), stop. Three flows, kept apart:
 *
 * <pre>
 * 1. Connection   Frontend (bind, maxconn gate)
 *                   → Backend.acquire (snapshot pick, or FIFO queue on the backend's owner)
 *                   → Session (connect, retries, redispatch; relay with backpressure)
 *                   → on close: slot released, queue drained, counters, tcplog record
 *
 * 2. Health       HealthChecker (per server: tcp / http / pgsql / sql-role probe)
 *                   → HealthCounter (rise/fall) → CheckReport
 *                   → HealthWiring, on the backend's owner: Backend.setOpState → snapshot
 *                     rebuilt, queue drained, shutdown-sessions, siblings re-checked, state line
 *                     logged. DcsWiring and ClusterWiring apply their vetoes on the same owner
 *                     (Backend.withdraw / allow: veto, snapshot, cut, one log line).
 *
 * 3. Observation  stats / log read counters and states; nothing there writes server state.
 *                 The runtime API (admin, AdminWiring), and the stats page's server actions
 *                 through it (admin.ServerControl), read the same, and write only
 *                 administrative state and weight, on the backend's owner
 *                 (Backend.changeAdminState / setWeight → snapshot rebuilt, queue drained,
 *                 state line logged); a server leaving maintenance is checked at once.
 * </pre>
 */
package dev.pointsman.runtime;
