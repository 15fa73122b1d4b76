package dev.pointsman.cluster;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Split-brain detection for the Patroni cluster behind one backend (issue 13). Pure: no I/O, the
 * time is given with each call, and Pointsman's own traffic totals are read through a
 * {@link Meter} (counters, not I/O).
 *
 * <p>What it keeps: each member seen holding the leader key (in a view, or from the etcd watch)
 * since when, with a reading of its server's totals at that moment; which of those reigns ran
 * on the highest timeline while confirmed (its own {@code /patroni}: role primary, state running);
 * the {@code /history} of the previous view; the cluster's system identifier and scope.
 *
 * <p>The rules. A PostgreSQL timeline only grows, and only by a promotion; a clean switchover or
 * failover therefore never shows a primary on a lower timeline than one already promoted, and
 * Patroni's {@code /cluster} never lists two leaders.
 * <ul>
 * <li><b>Timeline went back</b>: the leader is confirmed running on timeline T, and another member
 * was confirmed leading U &gt; T before, or {@code /cluster} lists a member on U &gt; T, or
 * {@code /history} (read in an earlier poll, so not newer than this leader's answer) says T
 * ended. That primary never stopped being one while the other was promoted past it: two
 * primaries, and the higher timeline's writes are lost when Patroni rewinds its node. One alert
 * per reign of the leader; after it, the leader's timeline is the line the cluster follows.
 * <li><b>Two primaries</b>: a view lists two or more running members with a leader role. One alert
 * per set of claimants, again when the set changes after it had cleared.
 * <li><b>WAL discarded</b> ({@link DiscardedWal}): the confirmed leader runs on a timeline above T,
 * {@code /history} says T ended at LSN X, and a member was seen running as primary on T at a
 * position past X (the leader's own {@code /patroni} in an earlier poll, or its own answer later).
 * The partition case: the old leader acknowledged writes nobody streamed, its successor was
 * promoted from what it had. One alert per member and timeline.
 * </ul>
 * A stale view is ignored; an inconsistent one (another problem than two leaders) tells nothing;
 * a leader whose timeline is unknown, or that is not confirmed, updates no timeline. A new system
 * identifier or scope (the cluster was created again) forgets everything but the alert counts.
 *
 * <p>Owner: the {@link ClusterSource}'s scheduler thread, which alone calls every method.
 */
final class SplitBrainDetector {
    /** Bounds the member → server map (members renamed over a long life). */
    static final int MAX_MEMBERS = 256;

    /** Pointsman's own totals for a server of the backend, read now; null when there is no such server. */
    @FunctionalInterface
    interface Meter {
        Meter NONE = server -> null;

        SplitBrain.Traffic read(String server);
    }

    /** One member's time holding the leader key, as Pointsman saw it. */
    private static final class Reign {
        final String member;
        final long sinceMillis;
        /** Its server, and that server's totals when first known during this reign; null until known. */
        String server;
        SplitBrain.Traffic atStart;
        /** The highest timeline it was confirmed running on; null while never confirmed. */
        Long timeline;
        /** A regression was reported with this reign as the leader. */
        boolean alerted;

        Reign(String member, long sinceMillis) {
            this.member = member;
            this.sinceMillis = sinceMillis;
        }
    }

    private final String backend;
    private final Meter meter;
    private String scope;
    private String systemId;
    private final Map<String, Reign> reigns = new HashMap<>();
    private final Map<String, String> servers = new HashMap<>();
    /**
     * Each known server's totals as read at the last fresh view: a reign's baseline, so that what
     * routing sent a new leader before the detector's first view of it leading (checks alone while
     * the view was stale, or the promotion between two polls) is counted in its reign.
     */
    private Map<String, SplitBrain.Traffic> lastTotals = Map.of();
    private Reign highest;
    private List<ClusterView.HistoryEntry> previousHistory;
    private Set<String> claimants = Set.of();
    private long total;
    private int unacknowledged;
    private SplitBrain last;
    private final DiscardedWal discarded = new DiscardedWal();

    SplitBrainDetector(String backend, Meter meter) {
        this.backend = backend;
        this.meter = meter;
    }

    /** A view, after each successful poll; the alert it gives away, if any (already counted). */
    Optional<SplitBrain> observe(ClusterView view, long nowMillis) {
        if (view.stale()) {
            return Optional.empty();
        }
        if (view.scope() != null && scope != null && !scope.equals(view.scope())) {
            forget();
        }
        if (view.scope() != null) {
            scope = view.scope();
        }
        if (servers.size() > MAX_MEMBERS) {
            servers.clear();
        }
        view.members().stream().filter(m -> m.server() != null).forEach(m -> servers.put(m.name(), m.server()));
        sightings(view, nowMillis);
        Optional<SplitBrain> alert = judge(view, nowMillis);
        if (alert.isEmpty()) {
            alert = discardedWal(view, nowMillis);
        }
        previousHistory = view.history();
        readTotals();
        alert.ifPresent(a -> {
            total++;
            unacknowledged++;
            last = a;
        });
        return alert;
    }

    /** The etcd watch saw {@code member} take the leader key (empty: released): its reign starts now if new. */
    void leaderKey(Optional<String> member, long nowMillis) {
        member.ifPresent(m -> reign(m, nowMillis));
    }

    /** Marks every alert seen; returns how many were not yet. */
    int acknowledge() {
        int n = unacknowledged;
        unacknowledged = 0;
        return n;
    }

    SplitBrainAlerts alerts() {
        return new SplitBrainAlerts(total, unacknowledged, last);
    }

    private Optional<SplitBrain> judge(ClusterView view, long now) {
        List<Member> leaders = view.members().stream().filter(m -> m.leaderRole() && m.runningState()).toList();
        if (leaders.size() > 1) {
            return twoPrimaries(leaders, now);
        }
        claimants = Set.of();
        String leader = view.leader();
        if (view.problem() != null || leader == null) {
            return Optional.empty();
        }
        Reign reign = reign(leader, now);
        ClusterView.LeaderStatus status = view.leaderStatus();
        if (status == null || !status.confirmed()) {
            return Optional.empty();
        }
        Long timeline = status.timeline() != null ? status.timeline() : view.timeline();
        if (timeline == null) {
            return Optional.empty();
        }
        if (status.systemId() != null) {
            if (systemId != null && !systemId.equals(status.systemId())) {
                forget();
                reign = reign(leader, now);
            }
            systemId = status.systemId();
        }
        Optional<SplitBrain> alert = reign.alerted ? Optional.empty() : wentBack(view, leader, timeline, now);
        reign.timeline = reign.timeline == null ? timeline : Math.max(reign.timeline, timeline);
        if (alert.isPresent()) {
            reign.alerted = true;
            highest = reign;
        } else if (highest == null || timeline > highest.timeline) {
            highest = reign;
        }
        reigns.keySet().removeIf(m -> !m.equals(leader)); // another member is confirmed: their reigns are over
        return alert;
    }

    /** Every member this view shows running as primary, with its position, for {@link DiscardedWal}. */
    private void sightings(ClusterView view, long now) {
        Set<String> seen = new java.util.HashSet<>();
        ClusterView.LeaderStatus status = view.leaderStatus();
        if (view.problem() == null && status != null && status.confirmed() && status.timeline() != null
                && status.location() != null) {
            primaryAt(status.member(), status.timeline(), status.location(), now, seen);
        }
        for (Member m : view.members()) {
            Member.Wal w = m.wal();
            if (w != null && w.primary() && w.timeline() != null && w.position() != null) {
                primaryAt(m.name(), w.timeline(), w.position(), now, seen);
            }
        }
        discarded.endPoll(seen, meter, now);
    }

    private void primaryAt(String member, long timeline, long position, long now, Set<String> seen) {
        String server = servers.get(member);
        discarded.primary(member, server, timeline, position, server == null ? null : meter.read(server), now);
        seen.add(member + "/" + timeline);
    }

    /** The WAL rule, once the leader is confirmed on a timeline (and is not itself a regression). */
    private Optional<SplitBrain> discardedWal(ClusterView view, long now) {
        ClusterView.LeaderStatus status = view.leaderStatus();
        if (view.problem() != null || view.leader() == null || status == null || !status.confirmed()) {
            return Optional.empty();
        }
        Long timeline = status.timeline() != null ? status.timeline() : view.timeline();
        Reign reign = reigns.get(view.leader());
        if (timeline == null || reign != null && reign.alerted) {
            return Optional.empty();
        }
        return discarded.judge(backend, scope, view.leader(), timeline, view.history(), now);
    }

    private Optional<SplitBrain> wentBack(ClusterView view, String leader, long timeline, long now) {
        if (highest != null && highest.timeline > timeline) {
            return Optional.of(SplitBrain.timelineWentBack(backend, scope, leader, timeline, highest.member,
                    highest.server, highest.timeline, highest.sinceMillis, now, sent(highest)));
        }
        Optional<Member> above = view.members().stream()
                .filter(m -> !m.name().equals(leader) && m.timeline() != null && m.timeline() > timeline)
                .max(Comparator.comparingLong(Member::timeline));
        if (above.isPresent()) {
            Member m = above.get();
            return Optional.of(losing(leader, timeline, m.name(), m.server(), m.timeline(), view.history(), now));
        }
        if (previousHistory == null || !previousHistory.equals(view.history())) {
            return Optional.empty();
        }
        Optional<ClusterView.HistoryEntry> top = view.history().stream()
                .max(Comparator.comparingLong(ClusterView.HistoryEntry::timeline));
        if (top.isEmpty() || top.get().timeline() < timeline) {
            return Optional.empty();
        }
        String promoted = top.get().newLeader();
        return Optional.of(losing(leader, timeline, promoted, promoted == null ? null : servers.get(promoted),
                top.get().timeline() + 1, view.history(), now));
    }

    /** A regression found by what Patroni lists: the losing member's reign, if Pointsman saw one, gives window and counts. */
    private SplitBrain losing(String leader, long timeline, String member, String server, long losingTimeline,
                              List<ClusterView.HistoryEntry> history, long now) {
        Reign r = member == null ? null : reigns.get(member);
        Long from = r != null ? Long.valueOf(r.sinceMillis) : promotedAt(history, timeline);
        return SplitBrain.timelineWentBack(backend, scope, leader, timeline, member, server, losingTimeline, from, now,
                r == null ? null : sent(r));
    }

    private Optional<SplitBrain> twoPrimaries(List<Member> leaders, long now) {
        Set<String> names = new LinkedHashSet<>();
        leaders.forEach(m -> names.add(m.name()));
        if (names.equals(claimants)) {
            return Optional.empty();
        }
        claimants = Set.copyOf(names);
        List<SplitBrain.Claimant> list = new ArrayList<>();
        long from = Long.MIN_VALUE;
        for (Member m : leaders) {
            Reign r = reign(m.name(), now);
            from = Math.max(from, r.sinceMillis);
            list.add(new SplitBrain.Claimant(m.name(), m.timeline(), r.server, sent(r)));
        }
        return Optional.of(SplitBrain.twoPrimaries(backend, scope, list, from, now));
    }

    /**
     * {@code member}'s reign, started now if it has none; its server's baseline once the server is
     * known: the totals at the last fresh view, or read now when that view did not know the server.
     */
    private Reign reign(String member, long now) {
        Reign r = reigns.computeIfAbsent(member, m -> new Reign(m, now));
        if (r.server == null && servers.containsKey(member)) {
            r.server = servers.get(member);
            SplitBrain.Traffic before = lastTotals.get(r.server);
            r.atStart = before != null ? before : meter.read(r.server);
        }
        return r;
    }

    private void readTotals() {
        Map<String, SplitBrain.Traffic> totals = new HashMap<>();
        for (String server : servers.values()) {
            SplitBrain.Traffic t = meter.read(server);
            if (t != null) {
                totals.put(server, t);
            }
        }
        lastTotals = totals;
    }

    /** What the reign's server was sent since the reign began; null when there is no count. */
    private SplitBrain.Traffic sent(Reign r) {
        if (r.server == null || r.atStart == null) {
            return null;
        }
        SplitBrain.Traffic now = meter.read(r.server);
        return now == null ? null : now.since(r.atStart);
    }

    /** When Patroni's history says {@code timeline} ended (the next one was promoted); null when it does not say. */
    private static Long promotedAt(List<ClusterView.HistoryEntry> history, long timeline) {
        for (ClusterView.HistoryEntry e : history) {
            if (e.timeline() == timeline && e.at() != null) {
                try {
                    return OffsetDateTime.parse(e.at().replace(' ', 'T')).toInstant().toEpochMilli();
                } catch (DateTimeParseException ignored) {
                    return null;
                }
            }
        }
        return null;
    }

    private void forget() {
        discarded.forget();
        lastTotals = Map.of();
        reigns.clear();
        highest = null;
        previousHistory = null;
        claimants = Set.of();
        systemId = null;
    }
}
