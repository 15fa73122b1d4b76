package dev.pointsman.backend;

/**
 * What setting a server's administrative state did, seen on the backend's owner right after the
 * change: what HAProxy's state lines report ({@code N active and M backup servers left. S
 * sessions active, 0 requeued, Q remaining in queue}).
 *
 * @param opState  the server's operational state (its checks' verdict), which the change leaves alone
 * @param activeUp active servers UP and READY after the change
 * @param backupUp backup servers UP and READY after the change
 * @param sessions sessions still on the server (those being cut included)
 * @param cut      sessions cut because the server went into maintenance with
 *                 {@code on-marked-down shutdown-sessions}
 * @param queued   connections waiting in the backend's queue
 * @param lostLast the change took the backend's last usable server away (HAProxy then logs
 *                 "has no server available!")
 */
public record AdminChange(Server server, Server.AdminState before, Server.AdminState after, Server.OpState opState,
                          int activeUp, int backupUp, int sessions, int cut, int queued, boolean lostLast) {

    public boolean changed() {
        return before != after;
    }

    /** Applies the change on the backend's owner (see {@link Backend#changeAdminState}). */
    static AdminChange apply(Backend backend, Server server, Server.AdminState state) {
        Server.AdminState before = server.adminState();
        boolean serving = serving(backend);
        int cut = 0;
        if (server.setAdminState(state, backend.now())) {
            backend.refresh();
            // HAProxy cuts them too when a server goes into maintenance (srv_update_status)
            if (state == Server.AdminState.MAINT && server.config().shutdownSessionsOnDown() && server.sessions() > 0) {
                cut = backend.shutdownSessions(server, 'D');
            }
        }
        return new AdminChange(server, before, server.adminState(), server.opState(), backend.activeUp(),
                backend.backupUp(), server.sessions(), cut, backend.queued(), serving && !serving(backend));
    }

    private static boolean serving(Backend backend) {
        return backend.activeUsable() + backend.backupUsable() > 0;
    }
}
