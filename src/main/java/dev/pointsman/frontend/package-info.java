/**
 * Listeners: each {@code bind} address accepts connections and hands them to a backend session.
 * A {@link dev.pointsman.frontend.ConnectionGate} enforces the global and per-frontend maxconn the
 * way HAProxy does: at the limit the listener stops accepting (connections wait in the kernel's
 * backlog) and resumes as soon as a session ends.
 */
package dev.pointsman.frontend;
