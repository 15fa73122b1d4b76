/**
 * Listeners: each {@code bind} address accepts connections and hands them to a backend session,
 * through one socket per event loop (SO_REUSEPORT, unless {@code noreuseport}) on epoll and io_uring,
 * each keeping its sessions on its loop, or one socket for all loops.
 * A {@link dev.pointsman.frontend.ConnectionGate} and each frontend count sessions against the
 * global and per-frontend maxconn the way HAProxy does: at the limit a listener stops accepting
 * (connections wait in the kernel's backlog) and resumes as soon as a session ends. An accept error
 * (out of descriptors) pauses the listener for 100 ms, as in HAProxy, and is logged, rate-limited.
 * One class, {@code Listener}, turns a listener's autoRead on or off, from the counts and the
 * back-off as they are when it runs; a stats listener reuses the back-off through
 * {@link dev.pointsman.frontend.AcceptGate#install}. {@link dev.pointsman.frontend.DescriptorBudget}
 * checks at start that the descriptor limit carries maxconn ({@code strict-limits}) and tells each
 * stats listener how many connections the descriptors leave it.
 */
package dev.pointsman.frontend;
