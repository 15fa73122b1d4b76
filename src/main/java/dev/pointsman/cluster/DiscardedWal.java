package dev.pointsman.cluster;

import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The split-brain rule that says "Patroni threw acknowledged writes away" (issue 13): a member ran
 * as primary on timeline T and wrote past the LSN at which Patroni's {@code /history} says T ended
 * (the next timeline forked there, promoted from the WAL its new leader had). Everything the old
 * primary wrote past that point is discarded when Patroni rewinds it. This is the partition case,
 * where neither other rule fires: the cut-off leader keeps acknowledging writes until it demotes
 * itself, and its successor is promoted on T+1 from what it had received before the cut.
 *
 * <p>What it keeps: for the last {@link #MAX_TRACKS} (member, timeline) pairs seen running as
 * primary (the leader's own {@code /patroni}, or a member's own {@code /patroni} asked because it
 * is behind the leader's timeline), the positions each poll saw ({@code xlog.location}, i.e.
 * {@code pg_current_wal_lsn()}, on the timeline the same answer names) with Pointsman's totals for
 * the member's server at that moment, and when it was first seen no longer running as primary.
 * Only a primary's own position counts: a demoted member replaying its own WAL past the fork as a
 * replica is mostly its shutdown checkpoint, not writes anybody was told were committed.
 *
 * <p>Pure: times and totals are given. Owner: the {@link SplitBrainDetector}'s thread.
 */
final class DiscardedWal {
    static final int MAX_TRACKS = 8;
    /** Per track; an unchanged position replaces the last sample instead of adding one. */
    static final int MAX_SAMPLES = 2048;

    private record Sample(long atMillis, long position, SplitBrain.Traffic traffic) {}

    /** One member's run as primary on one timeline. */
    private static final class Track {
        final String member;
        final long timeline;
        String server;
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        /** When it was first seen not running as primary after its last sample; null while it is. */
        Long stoppedAtMillis;
        SplitBrain.Traffic atStop;
        boolean reported;

        Track(String member, long timeline) {
            this.member = member;
            this.timeline = timeline;
        }
    }

    private final Map<String, Track> tracks = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Track> eldest) {
            return size() > MAX_TRACKS;
        }
    };

    /** {@code member} (server {@code server}, null when none) runs as primary on {@code timeline} at {@code position}. */
    void primary(String member, String server, long timeline, long position, SplitBrain.Traffic traffic, long now) {
        Track t = tracks.computeIfAbsent(member + "/" + timeline, k -> new Track(member, timeline));
        if (server != null) {
            t.server = server;
        }
        t.stoppedAtMillis = null;
        t.atStop = null;
        Sample last = t.samples.peekLast();
        if (last != null && last.position() >= position) {
            t.samples.pollLast(); // the same position: keep the latest moment it was still there
            position = Math.max(position, last.position());
        }
        t.samples.addLast(new Sample(now, position, traffic));
        if (t.samples.size() > MAX_SAMPLES) {
            t.samples.pollFirst();
        }
    }

    /** After a poll: a running track whose member was not seen running as primary in it ({@code seen}) stops now. */
    void endPoll(Set<String> seen, SplitBrainDetector.Meter meter, long now) {
        for (Track t : tracks.values()) {
            if (t.stoppedAtMillis == null && !seen.contains(t.member + "/" + t.timeline)) {
                t.stoppedAtMillis = now;
                t.atStop = t.server == null ? null : meter.read(t.server);
            }
        }
    }

    /**
     * The first unreported track on a timeline lower than the confirmed {@code leader}'s that {@code history}
     * says ended below the highest position the track's member was seen at; reported once.
     */
    Optional<SplitBrain> judge(String backend, String scope, String leader, long leaderTimeline,
                               List<ClusterView.HistoryEntry> history, long now) {
        for (Track t : tracks.values()) {
            if (t.reported || t.timeline >= leaderTimeline || t.samples.isEmpty()) {
                continue;
            }
            Optional<ClusterView.HistoryEntry> end = history.stream().filter(e -> e.timeline() == t.timeline).findFirst();
            Sample highest = t.samples.peekLast();
            if (end.isEmpty() || highest.position() <= end.get().lsn()) {
                continue;
            }
            long forkedAt = end.get().lsn();
            Sample before = null;
            for (Iterator<Sample> i = t.samples.descendingIterator(); i.hasNext(); ) {
                Sample s = i.next();
                if (s.position() <= forkedAt) {
                    before = s;
                    break;
                }
            }
            long to = t.stoppedAtMillis != null ? t.stoppedAtMillis : highest.atMillis();
            SplitBrain.Traffic atEnd = t.stoppedAtMillis != null ? t.atStop : highest.traffic();
            SplitBrain.Traffic sent = before == null || before.traffic() == null || atEnd == null ? null
                    : atEnd.since(before.traffic());
            t.reported = true;
            return Optional.of(SplitBrain.walDiscarded(backend, scope, leader, leaderTimeline, t.member, t.server,
                    t.timeline, forkedAt, highest.position(), before == null ? null : before.atMillis(), to, now, sent));
        }
        return Optional.empty();
    }

    void forget() {
        tracks.clear();
    }
}
