/**
 * Observation (flow 3): one table of fields ({@link dev.pointsman.stats.Field}: CSV name,
 * Prometheus name, type, scope, help) read from the running frontends, backends and servers
 * ({@link dev.pointsman.stats.Stats}) and written as the HTML page, HAProxy's CSV, Pointsman's
 * JSON and Prometheus metrics by one bounded Netty listener per {@code listen} section with
 * {@code stats enable} ({@link dev.pointsman.stats.StatsServer}). Patroni facts come through
 * {@link dev.pointsman.stats.PatroniView}: the last check's body first, a cluster view later;
 * split-brain alerts through {@link dev.pointsman.stats.AlertBoard}. Reads only, never writes server
 * state itself. Where {@code stats admin} allows it, the page acts: HAProxy's server actions (a POST
 * of its form, {@link dev.pointsman.stats.PagePost}) go to {@link dev.pointsman.stats.PageActions},
 * which the runtime fills with the runtime API's path, and a POST acknowledging alerts goes to the
 * board.
 */
package dev.pointsman.stats;
