package dev.pointsman.cluster;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;

/**
 * One split brain seen in a Patroni cluster: two members ran as primary, and the writes one of
 * them acknowledged are lost (Patroni rewinds or rebuilds the losing side); or a member wrote past
 * the point where the next timeline forked from it, and that WAL is thrown away. Immutable; plain
 * fields (null = unknown) so that a default Jackson mapper writes it as JSON.
 *
 * @param kind           what gave it away
 * @param backend        the backend that follows the cluster
 * @param scope          Patroni's scope; null when not known
 * @param leader         the member leading now (a regression, or the timeline that forked); for two primaries,
 *                       the first claimant
 * @param leaderTimeline its timeline; null when not known
 * @param losing         the member whose writes are lost (the one that led the higher timeline, or wrote past
 *                       the fork); for two
 *                       primaries, the other claimants; null when only Patroni's history names the timeline
 *                       and not who led it
 * @param losingServer   the losing member's server in this backend; null when none matches it
 * @param losingTimeline the timeline the losing member led; null when not known
 * @param fromMillis     epoch ms since when the losing member led (Pointsman first saw it lead, or Patroni's
 *                       history dates its promotion); null when unknown
 * @param atMillis       epoch ms of the detection
 * @param toMillis       epoch ms of the end of the window: the detection, or when the losing member was last
 *                       seen running as primary on the discarded WAL
 * @param sent           what Pointsman sent the losing server in the window; null when it has no count
 * @param discardedFrom  for {@link Kind#WAL_DISCARDED}: the LSN at which the losing timeline ended in Patroni's
 *                       history (where the next one forked); null otherwise
 * @param discardedTo    for {@link Kind#WAL_DISCARDED}: the highest LSN the losing member was seen to have written
 *                       on that timeline as primary; null otherwise
 * @param message        the alert as logged and shown
 */
public record SplitBrain(Kind kind, String backend, String scope, String leader, Long leaderTimeline, String losing,
                         String losingServer, Long losingTimeline, Long fromMillis, long atMillis, long toMillis,
                         Traffic sent, Long discardedFrom, Long discardedTo, String message) {

    /** What gave the split brain away. */
    public enum Kind {
        /** A confirmed leader runs on a timeline lower than one another member already led. */
        TIMELINE_WENT_BACK,
        /** Two members are listed as running leaders at once. */
        TWO_PRIMARIES,
        /**
         * A member wrote its timeline as primary past the LSN at which Patroni's history says the next
         * timeline forked from it: that WAL, and the writes it acknowledged, are thrown away (pg_rewind).
         */
        WAL_DISCARDED
    }

    /**
     * Pointsman's own totals for one server, or a difference of two readings.
     *
     * @param sessions      sessions started on the server
     * @param bytesToServer bytes relayed from clients to the server
     */
    public record Traffic(long sessions, long bytesToServer) {
        /** What was counted between {@code before} and this reading (never below 0). */
        public Traffic since(Traffic before) {
            return new Traffic(Math.max(0, sessions - before.sessions), Math.max(0, bytesToServer - before.bytesToServer));
        }
    }

    private static final DateTimeFormatter DAY_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);

    static SplitBrain timelineWentBack(String backend, String scope, String leader, long leaderTimeline, String losing,
                                       String losingServer, long losingTimeline, Long fromMillis, long atMillis,
                                       Traffic sent) {
        StringBuilder m = new StringBuilder(320).append("split brain in Patroni cluster ").append(scopeName(scope))
                .append(": leader ").append(leader).append(" runs on timeline ").append(leaderTimeline).append(" after ")
                .append(losing != null ? losing + " led" : "Patroni's history recorded").append(" timeline ")
                .append(losingTimeline).append(' ').append(window(fromMillis, atMillis)).append("; ");
        if (losing == null) {
            m.append("Pointsman cannot tell which server took those writes");
        } else if (losingServer == null) {
            m.append(losing).append(" matches no server of backend '").append(backend)
                    .append("': Pointsman sent it nothing");
        } else if (sent == null) {
            m.append("Pointsman did not see ").append(losing).append(" lead and has no count of what it sent there");
        } else {
            m.append("Pointsman sent ").append(losing).append(' ').append(sent(sent)).append(" in that window");
        }
        m.append("; writes acknowledged on timeline ").append(losingTimeline).append(" are lost unless recovered from ")
                .append(losing != null ? losing + "'s WAL" : "the WAL of the member promoted to it")
                .append(" or a WAL archive. Routing follows the leader key (").append(leader).append(')');
        return new SplitBrain(Kind.TIMELINE_WENT_BACK, backend, scope, leader, leaderTimeline, losing, losingServer,
                losingTimeline, fromMillis, atMillis, atMillis, sent, null, null, m.toString());
    }

    /**
     * {@code losing} wrote {@code losingTimeline} as primary up to {@code writtenTo}, past {@code forkedAt} where
     * {@code leader} was promoted to {@code leaderTimeline}.
     *
     * @param fromMillis when Pointsman last saw {@code losing} at or before the fork; null when it never did
     * @param toMillis   when it last saw it running as primary on that WAL (or stop doing so)
     */
    static SplitBrain walDiscarded(String backend, String scope, String leader, long leaderTimeline, String losing,
                                   String losingServer, long losingTimeline, long forkedAt, long writtenTo,
                                   Long fromMillis, long toMillis, long atMillis, Traffic sent) {
        StringBuilder m = new StringBuilder(400).append("split brain in Patroni cluster ").append(scopeName(scope))
                .append(": ").append(leader).append(" was promoted to timeline ").append(leaderTimeline).append(" from ")
                .append(lsn(forkedAt)).append(" of timeline ").append(losingTimeline).append(", but ").append(losing)
                .append(" had written timeline ").append(losingTimeline).append(" as primary up to at least ")
                .append(lsn(writtenTo)).append(": those ").append(writtenTo - forkedAt)
                .append(" bytes of WAL, written while it ran as primary ").append(window(fromMillis, toMillis))
                .append(": WAL discarded (may include acknowledged writes); ");
        if (losingServer == null) {
            m.append(losing).append(" matches no server of backend '").append(backend)
                    .append("': Pointsman sent it nothing");
        } else if (sent == null) {
            m.append("Pointsman has no count of what it sent ").append(losing);
        } else {
            m.append("Pointsman sent ").append(losing).append(' ').append(sent(sent)).append(" in that window");
        }
        m.append("; what those bytes hold can be recovered only from ").append(losing)
                .append("'s WAL before it is rewound, or a WAL archive. Routing follows the leader key (").append(leader)
                .append(')');
        return new SplitBrain(Kind.WAL_DISCARDED, backend, scope, leader, leaderTimeline, losing, losingServer,
                losingTimeline, fromMillis, atMillis, toMillis, sent, forkedAt, writtenTo, m.toString());
    }

    /** PostgreSQL's spelling of a WAL position: {@code 0/5A3F1C8}. */
    static String lsn(long position) {
        return Long.toHexString(position >>> 32).toUpperCase(java.util.Locale.ROOT) + "/"
                + Long.toHexString(position & 0xFFFFFFFFL).toUpperCase(java.util.Locale.ROOT);
    }

    /**
     * @param claimants the members listed as leader, each with its timeline (null when unknown), its server
     *                  (null when none) and what Pointsman sent it since it was first seen leading (null when unknown)
     */
    static SplitBrain twoPrimaries(String backend, String scope, List<Claimant> claimants, Long fromMillis,
                                   long atMillis) {
        StringBuilder m = new StringBuilder(320).append("split brain in Patroni cluster ").append(scopeName(scope))
                .append(": ");
        for (int i = 0; i < claimants.size(); i++) {
            Claimant c = claimants.get(i);
            m.append(i == 0 ? "" : i == claimants.size() - 1 ? " and " : ", ").append(c.member()).append(" (timeline ")
                    .append(c.timeline() == null ? "unknown" : c.timeline()).append(')');
        }
        m.append(claimants.size() == 2 ? " are both" : " are all").append(" listed as running leaders ").append(window(fromMillis, atMillis)).append("; Pointsman sent ");
        Traffic total = new Traffic(0, 0);
        for (int i = 0; i < claimants.size(); i++) {
            Claimant c = claimants.get(i);
            m.append(i == 0 ? "" : ", ").append(c.member()).append(' ')
                    .append(c.server() == null ? "nothing (no server matches it)"
                            : c.sent() == null ? "an unknown amount" : sent(c.sent()));
            if (c.sent() != null) {
                total = new Traffic(total.sessions() + c.sent().sessions(), total.bytesToServer() + c.sent().bytesToServer());
            }
        }
        m.append("; the writes of whichever side loses are lost. The cluster view is not used for routing until one"
                + " leader remains");
        Claimant first = claimants.get(0);
        List<Claimant> others = claimants.subList(1, claimants.size());
        return new SplitBrain(Kind.TWO_PRIMARIES, backend, scope, first.member(), first.timeline(),
                String.join(", ", others.stream().map(Claimant::member).toList()),
                others.size() == 1 ? others.get(0).server() : null, others.size() == 1 ? others.get(0).timeline() : null,
                fromMillis, atMillis, atMillis, total, null, null, m.toString());
    }

    /** One member listed as a running leader, for {@link #twoPrimaries}. */
    record Claimant(String member, Long timeline, String server, Traffic sent) {}

    private static String scopeName(String scope) {
        return scope == null ? "(scope unknown)" : "'" + scope + "'";
    }

    private static String sent(Traffic t) {
        return t.sessions() + (t.sessions() == 1 ? " session" : " sessions") + " and " + t.bytesToServer()
                + (t.bytesToServer() == 1 ? " byte" : " bytes");
    }

    private static String window(Long fromMillis, long atMillis) {
        String to = DAY_TIME.format(Instant.ofEpochMilli(atMillis));
        if (fromMillis == null) {
            return "(from a moment Pointsman does not know to " + to + " UTC)";
        }
        String from = DAY_TIME.format(Instant.ofEpochMilli(fromMillis));
        boolean sameDay = from.regionMatches(0, to, 0, 10);
        return "(from " + from + " to " + (sameDay ? TIME.format(Instant.ofEpochMilli(atMillis)) : to) + " UTC)";
    }
}
