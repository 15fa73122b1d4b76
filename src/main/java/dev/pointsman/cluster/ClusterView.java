package dev.pointsman.cluster;

import java.util.List;
import java.util.Optional;

/**
 * Pointsman's view of the Patroni cluster behind one backend after a poll: the members as
 * {@code GET /cluster} listed them, what the leader's own {@code GET /patroni} said, the timeline
 * history, and how the backend's servers map onto the members. Immutable; plain fields (null =
 * unknown) so that a default Jackson {@code ObjectMapper} writes it as JSON for the stats page.
 *
 * @param backend         the backend's name
 * @param scope           Patroni's scope (cluster name); null until some node said it
 * @param source          the REST API that answered the last {@code /cluster}
 * @param polledAtMillis  epoch ms of the last successful poll
 * @param stale           no poll succeeded for {@link Limits#staleAfterMillis()}: routing falls back to checks
 * @param problem         why the view must not steer routing (members disagree about the leader, a node
 *                        answers for another scope, no server matches a member); null when consistent
 * @param leader          the member holding the leader key per {@code /cluster}; null when none
 * @param leaderStatus    what that member's own {@code /patroni} said; null when there is no leader
 * @param timeline        the leader's timeline; null when unknown
 * @param members         every member, in Patroni's order
 * @param history         {@code GET /history}, oldest first; empty until fetched
 * @param unknownServers  servers of the backend that no member matches: never routed to
 * @param unlistedMembers members that no server of the backend matches
 * @param limits          the timings and lag limits in force
 */
public record ClusterView(String backend, String scope, String source, long polledAtMillis, boolean stale,
                          String problem, String leader, LeaderStatus leaderStatus, Long timeline,
                          List<Member> members, List<HistoryEntry> history, List<String> unknownServers,
                          List<String> unlistedMembers, Limits limits) {

    public ClusterView {
        members = List.copyOf(members);
        history = List.copyOf(history);
        unknownServers = List.copyOf(unknownServers);
        unlistedMembers = List.copyOf(unlistedMembers);
    }

    /**
     * The leader's answer to {@code GET /patroni}: the authority for "promoted and writable".
     *
     * @param member    the member asked (the DCS leader)
     * @param role      {@code master} (3.x), {@code primary} (4.x), {@code replica}... null when unanswered
     * @param state     {@code running}, {@code starting}, {@code stopping}... null when unanswered
     * @param timeline  null when not given
     * @param location  the leader's WAL position ({@code xlog.location}), null when not given
     * @param scope     the scope the node answered for
     * @param confirmed role master/primary and state running, from this member, for this scope
     * @param error     why there is no answer (timeout, refused, garbage); null when it answered
     * @param systemId  PostgreSQL's {@code database_system_identifier}; null when not given
     * @param confirmedBefore an earlier view confirmed this member as primary, and every view since
     *                  named it leader: when its {@code /patroni} goes unanswered, its checks decide.
     *                  A leader not confirmed yet (a promotion in progress, or the first view) stays
     *                  out of a primary pool until its {@code /patroni} confirms it: Patroni's primary
     *                  check answers 200 from the role it set while PostgreSQL may still be in recovery.
     */
    public record LeaderStatus(String member, String role, String state, Long timeline, Long location, String scope,
                               boolean confirmed, String error, String systemId, boolean confirmedBefore) {}

    /** One line of {@code GET /history}: the timeline that ended at {@code lsn}, why, when and (4.x/3.x) for whom. */
    public record HistoryEntry(long timeline, long lsn, String reason, String at, String newLeader) {}

    /**
     * @param intervalMillis   the poll interval when nothing is hurried
     * @param staleAfterMillis a view older than this no longer steers routing
     * @param maxLagBytes      {@code max-lag} as a size; null when unset
     * @param maxLagMillis     {@code max-lag} as a time; null when unset
     * @param lagGraceMillis   {@code lag-grace}
     */
    public record Limits(long intervalMillis, long staleAfterMillis, Long maxLagBytes, Long maxLagMillis,
                         long lagGraceMillis) {}

    /** The member called {@code name}. */
    public Optional<Member> member(String name) {
        return members.stream().filter(m -> m.name().equals(name)).findFirst();
    }

    /** The member that server {@code serverName} of the backend is. */
    public Optional<Member> memberOfServer(String serverName) {
        return members.stream().filter(m -> serverName.equals(m.server())).findFirst();
    }

    ClusterView withStale(boolean value) {
        return new ClusterView(backend, scope, source, polledAtMillis, value, problem, leader, leaderStatus, timeline,
                members, history, unknownServers, unlistedMembers, limits);
    }
}
