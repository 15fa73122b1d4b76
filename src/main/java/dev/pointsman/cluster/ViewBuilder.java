package dev.pointsman.cluster;

import dev.pointsman.check.PatroniStatus;
import dev.pointsman.config.ServerConfig;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Pure assembly of a {@link ClusterView} from one poll's answers and the previous view (for lag
 * timing and history), and the {@link ViewChange} between two views. No I/O, no clock.
 */
final class ViewBuilder {
    private ViewBuilder() {}

    /**
     * What does not change from poll to poll.
     *
     * @param scope    the scope discovery found (or the first one seen in URL mode); null when not known yet
     * @param problems problems found outside polls, e.g. a server answering for another scope at discovery
     */
    record Context(String backend, List<ServerConfig> servers, ClusterView.Limits limits, String scope,
                   List<String> problems) {}

    /**
     * One poll's answers.
     *
     * @param leaderStatus the DCS leader's {@code /patroni}; null when not asked or unanswered
     * @param leaderError  why it is unanswered; null when answered or not asked
     * @param replicas     the replicas' {@code /patroni} by member name (asked only for a time max-lag)
     * @param history      {@code /history} when fetched this poll; null = keep the previous one
     */
    record Poll(String source, Answers.ClusterAnswer cluster, PatroniStatus leaderStatus, String leaderError,
                Map<String, PatroniStatus> replicas, List<ClusterView.HistoryEntry> history) {}

    static ClusterView build(Context ctx, ClusterView previous, Poll poll, long nowMillis) {
        List<String> problems = new ArrayList<>(ctx.problems());
        String scope = ctx.scope() != null ? ctx.scope() : poll.cluster().scope();
        if (scope == null && poll.leaderStatus() != null) {
            scope = poll.leaderStatus().patroni().flatMap(PatroniStatus.Identity::scope).orElse(null);
        }
        String clusterScope = poll.cluster().scope();
        if (clusterScope != null && scope != null && !clusterScope.equals(scope)) {
            problems.add(poll.source() + " answers /cluster for scope '" + clusterScope + "', not '" + scope + "'");
        }
        List<String> leaders = poll.cluster().members().stream().filter(Member::leaderRole).map(Member::name).toList();
        if (leaders.size() > 1) {
            problems.add("members disagree about the leader: " + String.join(", ", leaders) + " all claim it");
        }
        String leader = leaders.size() == 1 ? leaders.get(0) : null;
        ClusterView.LeaderStatus leaderStatus = leader == null ? null
                : leaderStatus(leader, scope, poll, problems, confirmedBefore(previous, leader));

        Long leaderLocation = leaderStatus == null ? null : leaderStatus.location();
        List<Member> members = new ArrayList<>();
        Set<String> matched = new HashSet<>();
        List<String> unlisted = new ArrayList<>();
        for (Member raw : poll.cluster().members()) {
            Member m = raw;
            var server = MemberMatch.serverOf(m, ctx.servers());
            if (server.isPresent()) {
                m = m.withServer(server.get().name());
                matched.add(server.get().name());
            } else {
                unlisted.add(m.name());
            }
            PatroniStatus own = poll.replicas().get(m.name());
            if (own != null && !m.leaderRole() && sameNode(own, m.name(), scope, poll.leaderStatus())) {
                m = m.withReplayDelay(replayDelay(own, leaderLocation, nowMillis)).withWal(wal(own));
            }
            members.add(lag(m, previous, ctx.limits(), nowMillis));
        }
        List<String> unknown = ctx.servers().stream().map(ServerConfig::name).filter(n -> !matched.contains(n)).toList();
        if (!ctx.servers().isEmpty() && matched.isEmpty()) {
            problems.add("no server of the backend matches a member's host:port");
        }
        Long timeline = poll.cluster().members().stream().filter(m -> m.name().equals(leader)).map(Member::timeline)
                .filter(Objects::nonNull).findFirst().orElse(leaderStatus == null ? null : leaderStatus.timeline());
        List<ClusterView.HistoryEntry> history = poll.history() != null ? poll.history()
                : previous != null ? previous.history() : List.of();
        return new ClusterView(ctx.backend(), scope, poll.source(), nowMillis, false,
                problems.isEmpty() ? null : String.join("; ", problems), leader, leaderStatus, timeline, members,
                history, unknown, unlisted, ctx.limits());
    }

    /** The previous view named {@code leader} too, and it was confirmed then or before (see {@link ClusterView.LeaderStatus}). */
    private static boolean confirmedBefore(ClusterView previous, String leader) {
        ClusterView.LeaderStatus s = previous == null ? null : previous.leaderStatus();
        return s != null && leader.equals(s.member()) && (s.confirmed() || s.confirmedBefore());
    }

    private static ClusterView.LeaderStatus leaderStatus(String leader, String scope, Poll poll, List<String> problems,
                                                         boolean confirmedBefore) {
        PatroniStatus s = poll.leaderStatus();
        if (s == null) {
            // a leader that cannot be asked (no api_url in /cluster) is left to its checks, as always
            boolean unaskable = poll.leaderError() == null || Poller.NO_API_URL.equals(poll.leaderError());
            return new ClusterView.LeaderStatus(leader, null, null, null, null, null, false,
                    poll.leaderError() == null ? "not asked" : poll.leaderError(), null, confirmedBefore || unaskable);
        }
        String ownScope = s.patroni().flatMap(PatroniStatus.Identity::scope).orElse(null);
        String ownName = s.patroni().flatMap(PatroniStatus.Identity::name).orElse(null);
        boolean sameScope = ownScope == null || scope == null || ownScope.equals(scope);
        boolean sameName = ownName == null || ownName.equals(leader);
        if (!sameScope) {
            problems.add("leader " + leader + " answers for scope '" + ownScope + "', not '" + scope + "'");
        }
        if (!sameName) {
            problems.add("the API of leader " + leader + " says it is member " + ownName);
        }
        Long location = s.xlog().flatMap(x -> x.location().isPresent() ? java.util.Optional.of(x.location().getAsLong())
                : java.util.Optional.empty()).orElse(null);
        return new ClusterView.LeaderStatus(leader, s.role().orElse(null), s.state().orElse(null),
                s.timeline().isPresent() ? s.timeline().getAsLong() : null, location, ownScope,
                s.isPrimary() && s.isRunning() && sameScope && sameName, null, s.systemId().orElse(null),
                confirmedBefore);
    }

    /**
     * A member's own {@code /patroni} answer is that member's, checked as the leader's is: the same
     * scope, its own member name, and the leader's system identifier when both say one (an api_url
     * that now reaches another cluster's node, a reused address, is not taken for the member).
     */
    static boolean sameNode(PatroniStatus own, String member, String scope, PatroniStatus leader) {
        String ownScope = own.patroni().flatMap(PatroniStatus.Identity::scope).orElse(null);
        String ownName = own.patroni().flatMap(PatroniStatus.Identity::name).orElse(null);
        String leaderSystem = leader == null ? null : leader.systemId().orElse(null);
        String ownSystem = own.systemId().orElse(null);
        return (ownScope == null || scope == null || ownScope.equals(scope))
                && (ownName == null || ownName.equals(member))
                && (ownSystem == null || leaderSystem == null || ownSystem.equals(leaderSystem));
    }

    /** A member's own account of its WAL: a primary's write position, a replica's replay position. */
    static Member.Wal wal(PatroniStatus s) {
        java.util.OptionalLong position = s.xlog().map(x -> s.isPrimary() ? x.location() : x.replayedLocation())
                .orElse(java.util.OptionalLong.empty());
        return new Member.Wal(s.role().orElse(null), s.isRunning(),
                s.timeline().isPresent() ? s.timeline().getAsLong() : null,
                position.isPresent() ? position.getAsLong() : null);
    }

    /**
     * How far behind in time a replica's replay is: 0 when it replayed everything the leader wrote
     * (or everything it received when the leader's position is unknown), else the age of the last
     * replayed transaction; null when it cannot be told.
     */
    static Long replayDelay(PatroniStatus replica, Long leaderLocation, long nowMillis) {
        if (replica.xlog().isEmpty()) {
            return null;
        }
        PatroniStatus.Xlog x = replica.xlog().get();
        if (x.replayedLocation().isPresent()) {
            long replayed = x.replayedLocation().getAsLong();
            if (leaderLocation != null ? replayed >= leaderLocation
                    : x.receivedLocation().isPresent() && replayed >= x.receivedLocation().getAsLong()) {
                return 0L;
            }
        }
        if (x.replayedTimestamp().isEmpty()) {
            return null;
        }
        try {
            long at = OffsetDateTime.parse(x.replayedTimestamp().get().replace(' ', 'T')).toInstant().toEpochMilli();
            return Math.max(0, nowMillis - at);
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Member lag(Member m, ClusterView previous, ClusterView.Limits limits, long nowMillis) {
        if (m.leaderRole() || !over(m, limits)) {
            return m.withLag(null, false);
        }
        Long since = previous == null ? null : previous.member(m.name()).map(Member::lagOverSinceMillis).orElse(null);
        long start = since == null ? nowMillis : since;
        return m.withLag(start, nowMillis - start >= limits.lagGraceMillis());
    }

    /** Over a size limit (an unknown lag counts as over), or over a time limit when the delay was measured. */
    private static boolean over(Member m, ClusterView.Limits limits) {
        boolean bytes = limits.maxLagBytes() != null && (m.lagUnknown() || m.lag() != null && m.lag() > limits.maxLagBytes());
        boolean time = limits.maxLagMillis() != null && m.replayDelayMillis() != null
                && m.replayDelayMillis() > limits.maxLagMillis();
        return bytes || time;
    }

    static ViewChange diff(ClusterView before, ClusterView after) {
        if (before == null) {
            Set<String> all = new LinkedHashSet<>();
            after.members().forEach(m -> all.add(m.name()));
            return new ViewChange(all, true, true, after.stale(), after.problem() != null, true);
        }
        Set<String> roles = new LinkedHashSet<>();
        for (Member m : after.members()) {
            var old = before.member(m.name());
            if (old.isEmpty() || !Objects.equals(old.get().role(), m.role())
                    || !Objects.equals(old.get().state(), m.state())) {
                roles.add(m.name());
            }
        }
        before.members().stream().filter(m -> after.member(m.name()).isEmpty()).forEach(m -> roles.add(m.name()));
        boolean lag = after.members().stream().anyMatch(m -> before.member(m.name())
                .map(o -> o.lagExcluded() != m.lagExcluded() || (o.lagOverSinceMillis() == null) != (m.lagOverSinceMillis() == null))
                .orElse(false));
        return new ViewChange(roles, !Objects.equals(before.leader(), after.leader()),
                !Objects.equals(summary(before.leaderStatus()), summary(after.leaderStatus())),
                before.stale() != after.stale(), !Objects.equals(before.problem(), after.problem()), lag);
    }

    private static String summary(ClusterView.LeaderStatus s) {
        return s == null ? null : s.member() + "/" + s.role() + "/" + s.state() + "/" + s.confirmed() + "/" + (s.error() == null);
    }
}
