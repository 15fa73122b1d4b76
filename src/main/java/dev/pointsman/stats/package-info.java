/**
 * Observation (flow 3): one table of fields ({@link dev.pointsman.stats.Field}: CSV name,
 * Prometheus name, type, scope, help) read from the running frontends, backends and servers
 * ({@link dev.pointsman.stats.Stats}) and written as the HTML page, HAProxy's CSV, Pointsman's
 * JSON and Prometheus metrics by one bounded Netty listener per {@code listen} section with
 * {@code stats enable} ({@link dev.pointsman.stats.StatsServer}). Patroni facts come through
 * {@link dev.pointsman.stats.PatroniView}: the last check's body first, a cluster view later;
 * split-brain alerts through {@link dev.pointsman.stats.AlertBoard}. Reads only, never writes server
 * state; its one action, a POST acknowledging alerts where {@code stats admin} allows it, goes to the
 * board.
 */
package dev.pointsman.stats;
