/**
 * Backends and their servers: {@link dev.pointsman.backend.Backend} keeps an immutable snapshot
 * of its usable servers (rebuilt on every state change), a FIFO queue for connections that find
 * no free server, and hands each client to a {@link dev.pointsman.backend.Session} that connects
 * (timeout connect, retries, redispatch) and relays bytes both ways with backpressure.
 *
 * <p>A server has two independent states: operational (written by health checks only) and
 * administrative (config {@code disabled}, the runtime API's {@code set server ... state}), and a
 * weight the runtime API may change. It is usable when both states allow it, its weight is
 * above 0 and no {@link dev.pointsman.backend.Veto} source keeps it out. Every change of that routing
 * state, and the queue, belong to the backend's owner executor; sessions only read snapshots.
 */
package dev.pointsman.backend;
