package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.assertj.core.api.SoftAssertions;

/**
 * The frame of the fault scenarios (docs/FAULTS.md): {@link #runFault} does one {@link Fault} with
 * {@code scripts/cluster} while the write probe writes through 5000, long sessions stay open (on
 * 5000, or on 5001 for a replica's fault) and, where it matters, the read probe reads through 5001;
 * then it brings the cluster back ({@code scripts/cluster restore}), lets writes settle on the
 * leader, and measures: what was routed to a node that did not hold Patroni's leader key, what the
 * long sessions on the old leader answered after another node held it, what was acknowledged and
 * then lost, how soon the promoted node took writes.
 */
abstract class FaultScenario extends ClusterScenario {
    /** How long a fault lasts: past Patroni's ttl (30 s) for the leader's faults. */
    static final Duration PAST_TTL = Duration.ofSeconds(Long.getLong("e2e.faults.hold", 45));
    /** How long a replica's fault and the proxy's restart are watched. */
    static final Duration REPLICA_HOLD = Duration.ofSeconds(Long.getLong("e2e.faults.replicaHold", 20));
    static final int LONG_SESSIONS = 3;
    /** The lines of Patroni's log that say a node took the leader key and promoted or kept its PostgreSQL as primary. */
    static final Pattern TOOK_LEADERSHIP = Pattern.compile(
            "promoted self to leader by acquiring session lock|acquired session lock as a leader"
                    + "|promoted self to leader because I had the session lock");
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss.SSS").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter PATRONI_STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    /** Runs {@code fault} for {@code hold}; the report is printed, appended to faults-figures.md, and its logs kept under target/e2e/faults/. */
    static FaultReport runFault(Fault fault, Duration hold) throws Exception {
        WriteProbe.createTable(cluster);
        String leaderBefore = cluster.leader();
        String faulted = switch (fault.target) {
            case LEADER -> leaderBefore;
            case REPLICA -> cluster.replicas().get(0);
            case NONE -> null;
        };
        if (fault == Fault.ETCD_DOWN_FAILSAFE) {
            cluster.failsafe(true);
        }
        Instant wallStart = Instant.now();
        FaultReport report;
        try (LeaderKey key = LeaderKey.start(); WriteProbe probe = WriteProbe.start(fault.label, proxy.name())) {
            probe.awaitAcknowledged(WARM_UP_ACKS, Duration.ofSeconds(30));
            LongSessions sessions = LongSessions.open(fault.standbySide() ? LocalCluster.STANDBY_PORT
                    : LocalCluster.PRIMARY_PORT, LONG_SESSIONS, probe.run());
            ReadProbe reads = fault.reads() ? ReadProbe.start(probe.run()) : null;
            probe.awaitAcknowledged(WARM_UP_ACKS * 2, Duration.ofSeconds(30));

            probe.mark("fault");
            long t0 = System.nanoTime();
            Instant faultAt = Instant.now();
            act(fault, faulted, hold);
            probe.mark("undone");
            long t1 = System.nanoTime();
            double undoneAt = (t1 - t0) / 1e9;

            try {
                cluster.awaitHealthy(); // restore: undoes whatever is left, waits for one leader and two streaming replicas
            } catch (IllegalStateException e) {
                // a member that did not rejoin (Patroni's own trouble after the fault) does not void what the probes saw
                System.out.println("[" + fault.label + "] the cluster did not become healthy again: " + e.getMessage());
            }
            String leaderAfter = cluster.leader();
            probe.awaitAcknowledgedBy(LocalCluster.address(leaderAfter), SETTLED_ACKS, WRITES_RESUME_BOUND);
            Instant settledAt = Instant.now();
            ProbeReport written = probe.stop();
            sessions.close();
            List<ReadProbe.Read> read = reads == null ? List.of() : reads.stop();
            key.close();

            Set<Integer> present = present(leaderAfter, probe.run());
            Optional<Instant> promotion = firstLeadership(faultAt, settledAt);
            String promoted = promotion.map(p -> promotedNode(faultAt, p)).orElse(null);
            double promotedAt = promotion.map(p -> Duration.between(faultAt, p).toNanos() / 1e9).orElse(Double.NaN);
            report = new FaultReport(fault, proxy.name(), faulted, leaderBefore, leaderAfter, promoted, promotedAt,
                    written.attempts(), written.failed(), written.misrouted(), splitAcks(probe.attempts(), key),
                    written.windowSeconds(), written.longestWaitSeconds(),
                    firstWrite(probe.attempts(), promoted, t0, promotedAt), sessionLines(sessions, key, t0),
                    staleAnswers(sessions, key, t0), FaultReport.missing(written.acknowledged(), present),
                    FaultReport.missing(sessions.acknowledged(), present), readFigures(read, probe.attempts(), faulted, t0, t1),
                    key.changes(t0 - Duration.ofSeconds(1).toNanos(), t0), written.errors()).print();
            keepAttempts(report, probe.attempts(), t0);
            keepLogs(report, wallStart, settledAt, String.format(java.util.Locale.ROOT,
                    "fault at %s UTC, undone at +%.2f s, settled at %s UTC", CLOCK.format(faultAt), undoneAt,
                    CLOCK.format(settledAt)));
        } finally {
            cluster.awaitHealthy();
        }
        return report;
    }

    /** The fault itself, held for {@code hold}, then undone (a crashed replica is restored by the caller's restore). */
    private static void act(Fault fault, String faulted, Duration hold) throws InterruptedException {
        switch (fault) {
            case FREEZE_WHOLE, FREEZE_PATRONI -> {
                cluster.freeze(faulted, fault == Fault.FREEZE_PATRONI);
                Thread.sleep(hold.toMillis());
                cluster.thaw(faulted);
            }
            case ETCD_DOWN, ETCD_DOWN_FAILSAFE -> {
                cluster.etcdStop();
                Thread.sleep(hold.toMillis());
                cluster.etcdStart();
            }
            case PARTITION -> {
                cluster.partition(faulted);
                Thread.sleep(hold.toMillis());
                cluster.heal();
            }
            case REPLICA_CRASH -> {
                cluster.crash(faulted);
                Thread.sleep(hold.toMillis());
            }
            case REPLICA_LAG -> {
                cluster.lag(faulted, true);
                Thread.sleep(hold.toMillis());
                cluster.lag(faulted, false);
            }
            case PROXY_KILL -> {
                proxy.killHard();
                proxy.start("faults-proxy-kill-restarted");
                Thread.sleep(hold.toMillis());
            }
        }
    }

    /** The must-hold properties of issue 13 that apply to every fault: nothing routed to a non-primary, nothing answered by an old leader after another node held the key. */
    static void assertRoutedOnlyToTheKeyHolder(FaultReport r) {
        SoftAssertions soft = new SoftAssertions();
        soft.assertThat(r.readOnly()).as("writes sent to a node in recovery (%s)", r.summary()).isZero();
        soft.assertThat(r.splitAcks()).as("writes acknowledged by a node not holding Patroni's leader key (%s)", r.summary())
                .isEmpty();
        soft.assertThat(r.staleAnswers()).as("long-session answers from a node after another one held the key (%s)",
                r.summary()).isZero();
        soft.assertAll();
    }

    /** The write pool's split-brain alert in the proxy's log (the standby pool follows the same cluster and alerts with its own counts). */
    private static final Pattern ALERT = Pattern.compile("backend 'primary': ALERT: (split brain in Patroni cluster .*)");

    /** The split-brain alerts of backend primary the proxy logged so far, oldest first. */
    static List<String> splitBrainAlerts() {
        return proxy.log().lines().map(ALERT::matcher).filter(java.util.regex.Matcher::find).map(m -> m.group(1))
                .toList();
    }

    /**
     * Issue 13's detection: when acknowledged rows were lost ({@code r}), an alert raised during the
     * run ({@code alerts}) names a node they were lost on; when none were, no alert was raised.
     */
    static void assertSplitBrainReportedExactlyWhenWritesWereLost(FaultReport r, List<String> alerts) {
        Set<String> lostOn = new HashSet<>(r.lostProbe().keySet());
        lostOn.addAll(r.lostSessions().keySet());
        if (r.lost() > 0) {
            assertThat(alerts).as("a split-brain alert naming a node the lost rows were acknowledged by %s (%s)", lostOn,
                    r.summary()).anySatisfy(a -> assertThat(lostOn).anySatisfy(n -> assertThat(a).contains(n)));
        } else {
            assertThat(alerts).as("no acknowledged row was lost, so no split-brain alert (%s)", r.summary()).isEmpty();
        }
    }

    // -----------------------------------------------------------------------------------------

    /** Acknowledged attempts whose server did not hold the key at any moment of the attempt, per node. */
    private static Map<String, Long> splitAcks(List<WriteProbe.Attempt> attempts, LeaderKey key) {
        List<String> bad = new ArrayList<>();
        for (WriteProbe.Attempt a : attempts) {
            if (a.ok() && !key.heldDuring(FaultReport.node(a.server()), a.startNanos(), a.endNanos())) {
                bad.add(FaultReport.node(a.server()));
            }
        }
        return FaultReport.perServer(bad);
    }

    private static double firstWrite(List<WriteProbe.Attempt> attempts, String promoted, long t0, double promotedAt) {
        if (promoted == null) {
            return Double.NaN;
        }
        long at = t0 + (long) (promotedAt * 1e9);
        String address = LocalCluster.address(promoted);
        return attempts.stream().filter(a -> a.ok() && address.equals(a.server()) && a.endNanos() >= at)
                .mapToLong(WriteProbe.Attempt::endNanos).min().stream().mapToDouble(n -> (n - at) / 1e9).findFirst()
                .orElse(Double.NaN);
    }

    private static List<String> sessionLines(LongSessions sessions, LeaderKey key, long t0) {
        List<String> lines = new ArrayList<>();
        for (LongSessions.Session s : sessions.sessions()) {
            String node = FaultReport.node(s.server);
            long other = key.otherHolderSince(node, t0).orElse(Long.MAX_VALUE);
            String cut = s.cutNanos == 0 ? "not cut"
                    : String.format(java.util.Locale.ROOT, "cut at %+.2f s (%s)", (s.cutNanos - t0) / 1e9, s.error);
            lines.add(node + " " + cut + (other == Long.MAX_VALUE || !sessions.writes() ? ""
                    : ", " + s.answersAfter(other) + " answer(s) after another node held the key"));
        }
        return lines;
    }

    /** Long-session answers from a node after another node held the key (its tolerance: one poll of the key). */
    private static long staleAnswers(LongSessions sessions, LeaderKey key, long t0) {
        long n = 0;
        for (LongSessions.Session s : sessions.sessions()) {
            if (!sessions.writes()) {
                continue; // standby sessions: a replica answers whoever leads
            }
            var other = key.otherHolderSince(FaultReport.node(s.server), t0);
            if (other.isPresent()) {
                n += s.answersAfter(other.getAsLong() + LeaderKey.INTERVAL.toNanos());
            }
        }
        return n;
    }

    private static FaultReport.Reads readFigures(List<ReadProbe.Read> reads, List<WriteProbe.Attempt> writes,
            String faulted, long t0, long t1) {
        if (reads.isEmpty()) {
            return FaultReport.Reads.NONE;
        }
        String faultedAddress = faulted == null ? null : LocalCluster.address(faulted);
        List<WriteProbe.Attempt> acks = writes.stream().filter(WriteProbe.Attempt::ok)
                .sorted(Comparator.comparingInt(WriteProbe.Attempt::id)).toList();
        int failed = 0;
        int toPrimary = 0;
        int toFaulted = 0;
        int over1s = 0;
        double maxStale = 0;
        for (ReadProbe.Read r : reads) {
            if (!r.ok()) {
                failed++;
                continue;
            }
            if (!r.inRecovery()) {
                toPrimary++;
            }
            if (r.server().equals(faultedAddress) && r.startNanos() > t0 && r.endNanos() < t1) {
                toFaulted++;
            }
            // the earliest write acknowledged before the read began that the read did not see
            double stale = acks.stream().filter(a -> a.id() > r.seenId() && a.endNanos() < r.startNanos())
                    .mapToDouble(a -> (r.startNanos() - a.endNanos()) / 1e9).max().orElse(0);
            maxStale = Math.max(maxStale, stale);
            if (stale > 1.0) {
                over1s++;
            }
        }
        return new FaultReport.Reads(reads.size(), failed, toPrimary, toFaulted, maxStale, over1s);
    }

    /** The ids of the run present on {@code node}. */
    private static Set<Integer> present(String node, String run) throws SQLException {
        Set<Integer> ids = new HashSet<>();
        try (Connection c = cluster.connectNode(node);
                PreparedStatement ps = c.prepareStatement("SELECT id FROM " + WriteProbe.TABLE + " WHERE run = ?")) {
            ps.setString(1, run);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ids.add(rs.getInt(1));
                }
            }
        }
        return ids;
    }

    /** The first "took the leader key" line of any node's Patroni log in [from, to]. */
    private static Optional<Instant> firstLeadership(Instant from, Instant to) {
        return LocalCluster.NODES.stream().map(n -> PatroniLog.of(n).first(TOOK_LEADERSHIP, from))
                .flatMap(Optional::stream).filter(i -> !i.isAfter(to)).min(Comparator.naturalOrder());
    }

    private static String promotedNode(Instant from, Instant at) {
        return LocalCluster.NODES.stream().filter(n -> PatroniLog.of(n).first(TOOK_LEADERSHIP, from).filter(at::equals)
                .isPresent()).findFirst().orElse(null);
    }

    /** target/e2e/faults/PROXY-FAULT.attempts.tsv: every attempt of the write probe, times in seconds since the fault. */
    private static void keepAttempts(FaultReport report, List<WriteProbe.Attempt> attempts, long t0) {
        StringBuilder tsv = new StringBuilder("id\tstart\tend\tserver\tsqlstate\terror\n");
        for (WriteProbe.Attempt a : attempts) {
            tsv.append(String.format(java.util.Locale.ROOT, "%d\t%.3f\t%.3f\t%s\t%s\t%s%n", a.id(),
                    (a.startNanos() - t0) / 1e9, (a.endNanos() - t0) / 1e9, a.server() == null ? "" : a.server(),
                    a.sqlState() == null ? "" : a.sqlState(), a.error() == null ? "" : a.error().replace('\t', ' ')));
        }
        try {
            Path dir = Files.createDirectories(E2eDirs.output().resolve("faults"));
            Files.writeString(dir.resolve(report.proxy() + "-" + report.fault().label + ".attempts.tsv"), tsv,
                    StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** target/e2e/faults/PROXY-FAULT.txt: the summary, then Patroni's lines and the proxy's, merged in time order. */
    private static void keepLogs(FaultReport report, Instant from, Instant to, String when) {
        List<String> lines = new ArrayList<>();
        for (String node : LocalCluster.NODES) {
            for (String l : PatroniLog.of(node).excerpt(from, to)) {
                Instant at = LocalDateTime.parse(l.substring(0, 23), PATRONI_STAMP).atZone(java.time.ZoneId.systemDefault())
                        .toInstant();
                lines.add(CLOCK.format(at) + " " + l.substring(24));
            }
        }
        for (String l : proxy.log().lines().toList()) {
            int space = l.indexOf(' ');
            Instant at = null;
            if (space > 20) {
                try {
                    at = Instant.parse(l.substring(0, space));
                } catch (RuntimeException e) {
                    at = null;
                }
            }
            if (at != null && !at.isBefore(from) && !at.isAfter(to)) {
                lines.add(CLOCK.format(at) + " proxy " + l.substring(space + 1));
            } else if (at == null && l.contains("Server ")) {
                lines.add("--:--:--.--- proxy " + l); // HAProxy's own stderr lines carry no time
            }
        }
        lines.sort(Comparator.comparing(l -> l.substring(0, 12)));
        try {
            Path dir = Files.createDirectories(E2eDirs.output().resolve("faults"));
            Files.writeString(dir.resolve(report.proxy() + "-" + report.fault().label + ".txt"),
                    report.summary() + "\n" + when + "\n\n" + String.join("\n", lines) + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
