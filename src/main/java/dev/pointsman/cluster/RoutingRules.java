package dev.pointsman.cluster;

import java.time.Instant;
import java.util.Optional;

/**
 * The pure decision the runtime applies after every view: may this server of this pool take new
 * sessions, as far as the cluster view knows? Checks stay the authority for UP; the view only
 * vetoes, and only when it is fresh and consistent.
 *
 * <ol>
 *   <li>No view, a stale one (flagged, or older than {@code staleAfter}), or an inconsistent one
 *       (members disagree about the leader, a node answers for another scope, no server matches a
 *       member): ALLOW (no view) or BLIND (stale, inconsistent: what the view doubted stays
 *       doubted), routing falls back to checks alone.</li>
 *   <li>Pool {@link Pool#ANY}: ALLOW.</li>
 *   <li>A server no member matches: VETO (never route to a node the cluster does not know).</li>
 *   <li>{@link Pool#PRIMARY}: VETO unless the member holds the leader key; then VETO unless the
 *       leader's own {@code /patroni} confirms role master/primary and state running. When that
 *       {@code /patroni} went unanswered, DOUBT: the checks of that node decide, and a session
 *       the server leaves silent after the client's opening goes elsewhere (a frozen node's
 *       kernel still accepts connections; a healthy primary with a slow API answers its clients).</li>
 *   <li>{@link Pool#REPLICA}: VETO the leader (by name or role), a member whose PostgreSQL is not
 *       running, one tagged {@code noloadbalance}, and one whose lag has been over
 *       {@code max-lag} for longer than {@code lag-grace} (until it is back under); ALLOW the rest.</li>
 * </ol>
 */
public final class RoutingRules {
    private RoutingRules() {}

    /**
     * @param view   the latest view of the backend's cluster, or null when there is none
     * @param pool   the backend's pool ({@link Pool#of})
     * @param server the server's name in the backend
     * @param now    the current time (staleness and lag grace are measured against it)
     */
    public static Verdict verdict(ClusterView view, Pool pool, String server, Instant now) {
        if (view == null) {
            return new Verdict.Allow("no cluster view: checks alone");
        }
        long nowMillis = now.toEpochMilli();
        if (view.stale() || nowMillis - view.polledAtMillis() > view.limits().staleAfterMillis()) {
            return new Verdict.Blind("cluster view stale: checks alone");
        }
        if (view.problem() != null) {
            return new Verdict.Blind("cluster view inconsistent (" + view.problem() + "): checks alone");
        }
        if (pool == Pool.ANY) {
            return new Verdict.Allow("no pool rule");
        }
        Optional<Member> found = view.memberOfServer(server);
        if (found.isEmpty()) {
            return new Verdict.Veto("not a member of Patroni cluster '" + view.scope() + "'");
        }
        Member m = found.get();
        return pool == Pool.PRIMARY ? primary(view, m) : replica(view, m, nowMillis);
    }

    private static Verdict primary(ClusterView view, Member m) {
        if (view.leader() == null) {
            return new Verdict.Veto("no Patroni leader");
        }
        if (!view.leader().equals(m.name())) {
            return new Verdict.Veto("not the Patroni leader (" + view.leader() + " is)");
        }
        ClusterView.LeaderStatus status = view.leaderStatus();
        if (status == null) {
            return new Verdict.Doubt("Patroni leader, /patroni not asked: checks decide, a server silent to a client's opening is left");
        }
        if (status.error() != null) {
            return status.confirmedBefore()
                    ? new Verdict.Doubt("Patroni leader, /patroni unanswered (" + status.error()
                            + "): checks decide, a server silent to a client's opening is left")
                    : new Verdict.Veto("Patroni leader not confirmed yet (/patroni unanswered: " + status.error()
                            + "); out until it says primary and running");
        }
        if (!status.confirmed()) {
            // "stopping" comes after Patroni's CHECKPOINT and before the shutdown signal (with
            // before_stop in between): sessions that can finish now should; PostgreSQL ends the rest
            boolean stopping = "stopping".equals(status.state())
                    && ("master".equals(status.role()) || "primary".equals(status.role()));
            return new Verdict.Veto("Patroni leader not promoted and running (role " + status.role() + ", state "
                    + status.state() + ")", stopping);
        }
        return new Verdict.Allow("confirmed primary");
    }

    private static Verdict replica(ClusterView view, Member m, long nowMillis) {
        if (m.name().equals(view.leader()) || m.leaderRole()) {
            return new Verdict.Veto("is the Patroni leader");
        }
        if (!m.runningState()) {
            return new Verdict.Veto("Patroni state '" + m.state() + "'");
        }
        if (m.noloadbalance()) {
            return new Verdict.Veto("tagged noloadbalance");
        }
        Long since = m.lagOverSinceMillis();
        if (since != null && nowMillis - since >= view.limits().lagGraceMillis()) {
            return new Verdict.Veto("lag over max-lag for " + (nowMillis - since) + " ms (" + lagText(m) + ")");
        }
        return new Verdict.Allow("running replica");
    }

    private static String lagText(Member m) {
        String bytes = m.lagUnknown() ? "unknown" : m.lag() == null ? "-" : m.lag() + " bytes";
        return m.replayDelayMillis() == null ? bytes : bytes + ", replay " + m.replayDelayMillis() + " ms behind";
    }
}
