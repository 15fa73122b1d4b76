package dev.pointsman.e2e;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;

/**
 * The figures of repeated hand-overs (planned switchovers or crashes of the primary) measured
 * with a {@link WriteProbe} against the moments Patroni logged: one {@link Run} per hand-over,
 * and per scenario a table of medians and min–max.
 */
final class HandOverFigures {
    /** How much longer than Patroni's own hand-over a single attempt may wait on a switchover. */
    static final double SWITCHOVER_WAIT_SLACK = 0.5;
    /** How soon after the promotion writes must flow again after a crash. */
    static final double FAILOVER_FIRST_WRITE_BOUND = 0.5;

    private HandOverFigures() {}

    enum Kind {
        SWITCHOVER("planned switchover", "old leader's \"Demoting self (graceful)\""),
        FAILOVER("failover (primary crashed)", "kill -9 of the primary (scripts/cluster failover started)");

        final String title;
        final String start;

        Kind(String title, String start) {
            this.title = title;
            this.start = start;
        }
    }

    /**
     * One hand-over. Times in seconds; {@code start} is the old leader's demote (switchover) or the
     * crash (failover), {@code promoted} the new leader's "promoted self to leader" line.
     *
     * @param handOver from start to promoted
     * @param failed attempts not acknowledged
     * @param misrouted attempts that reached a node in recovery
     * @param lost acknowledged rows missing on the new primary (failover: among rows acknowledged by survivors)
     * @param lostByCrashed failover only: rows the crashed primary acknowledged that never reached a replica
     * @param longestWait the longest single attempt
     * @param longestWaitFrom when that attempt started, relative to start
     * @param window the longest time without an acknowledged write
     * @param firstWrite from promoted to the end of the first write acknowledged by the new leader
     * @param lastOldWrite from start to the end of the last write acknowledged by the old leader (negative: before)
     * @param load the 1-minute load average when the run began
     * @param othersBusy whether another benchmark (pgbench) ran when the run began
     */
    record Run(Kind kind, int n, String oldLeader, String newLeader, Instant start, Instant promoted, double handOver,
            int attempts, int failed, int misrouted, int lost, int lostByCrashed, double longestWait,
            double longestWaitFrom, double window, double firstWrite, double lastOldWrite, double load,
            boolean othersBusy) {

        /** The switchover target: no attempt waited longer than Patroni's hand-over + {@link #SWITCHOVER_WAIT_SLACK}. */
        boolean waitWithinHandOver() {
            return longestWait <= handOver + SWITCHOVER_WAIT_SLACK;
        }

        boolean meetsTargets() {
            return switch (kind) {
                case SWITCHOVER -> failed == 0 && misrouted == 0 && lost == 0 && waitWithinHandOver();
                case FAILOVER -> misrouted == 0 && lost == 0 && firstWrite <= FAILOVER_FIRST_WRITE_BOUND;
            };
        }

        /** One line for the output and the raw file. */
        String line() {
            return String.format(Locale.ROOT, "%s #%d %s->%s: hand-over %.2f s; %d attempts, %d failed, %d misrouted,"
                            + " %d lost%s; longest wait %.2f s (from %+.2f s); no-write window %.2f s; first write"
                            + " %.2f s after promotion; last write on the old leader at %+.2f s; load %.2f%s -> %s",
                    kind.name().toLowerCase(Locale.ROOT), n, oldLeader, newLeader, handOver, attempts, failed,
                    misrouted, lost, kind == Kind.FAILOVER ? " (+" + lostByCrashed + " by the crashed node)" : "",
                    longestWait, longestWaitFrom, window, firstWrite, lastOldWrite, load,
                    othersBusy ? " (pgbench running)" : "", meetsTargets() ? "targets met" : "TARGET MISSED");
        }
    }

    /** Seconds from {@code a} to {@code b}. */
    static double seconds(Instant a, Instant b) {
        return Duration.between(a, b).toNanos() / 1e9;
    }

    /** The markdown section for one variant and scenario: every run, then medians and min–max. */
    static String table(String variant, Kind kind, List<Run> runs) {
        StringBuilder md = new StringBuilder();
        md.append(String.format(Locale.ROOT, "%n### %s — %s, %d run(s)%n%n", variant, kind.title, runs.size()));
        md.append("Times in seconds; hand-over: from ").append(kind.start)
                .append(" to the new leader's \"promoted self to leader by acquiring session lock\".\n\n");
        md.append("| run | old → new | load | hand-over | attempts | failed | misrouted | lost | longest wait |"
                + " no-write window | first write after promotion | ")
                .append(kind == Kind.SWITCHOVER ? "wait ≤ hand-over + 0.5 |" : "≤ 0.5 s |").append('\n');
        md.append("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
        for (Run r : runs) {
            md.append(String.format(Locale.ROOT, "| %d | %s → %s | %.1f%s | %.2f | %d | %d | %d | %s | %.2f | %.2f | %.2f | %s |%n",
                    r.n(), r.oldLeader(), r.newLeader(), r.load(), r.othersBusy() ? "*" : "", r.handOver(),
                    r.attempts(), r.failed(), r.misrouted(),
                    r.kind() == Kind.FAILOVER && r.lostByCrashed() > 0 ? r.lost() + " (+" + r.lostByCrashed() + ")"
                            : String.valueOf(r.lost()),
                    r.longestWait(), r.window(), r.firstWrite(),
                    (r.kind() == Kind.SWITCHOVER ? r.waitWithinHandOver() : r.firstWrite() <= FAILOVER_FIRST_WRITE_BOUND)
                            ? "yes" : "**no**"));
        }
        md.append("\n| figure | median | min–max | target |\n|---|---:|---:|---|\n");
        row(md, runs, "hand-over (Patroni)", Run::handOver, "");
        row(md, runs, "failed attempts", r -> r.failed(), kind == Kind.SWITCHOVER ? "0 (each waits instead)" : "");
        row(md, runs, "misrouted writes", r -> r.misrouted(), "0");
        row(md, runs, kind == Kind.SWITCHOVER ? "lost acknowledged rows" : "lost rows acknowledged by survivors",
                r -> r.lost(), "0");
        row(md, runs, "longest wait", Run::longestWait, kind == Kind.SWITCHOVER ? "≤ hand-over + 0.5 s" : "");
        if (kind == Kind.SWITCHOVER) {
            row(md, runs, "longest wait − hand-over", r -> r.longestWait() - r.handOver(), "≤ 0.5 s");
        }
        row(md, runs, "no-write window", Run::window, "");
        row(md, runs, "first write after promotion", Run::firstWrite, kind == Kind.FAILOVER ? "≤ 0.5 s" : "");
        long met = runs.stream().filter(Run::meetsTargets).count();
        md.append(String.format(Locale.ROOT, "%nEvery target met in %d of %d run(s).%s%n", met, runs.size(),
                runs.stream().anyMatch(Run::othersBusy) ? " `*`: another benchmark (pgbench) was running when the run began." : ""));
        return md.toString();
    }

    private static void row(StringBuilder md, List<Run> runs, String figure, ToDoubleFunction<Run> f, String target) {
        List<Double> v = new ArrayList<>(runs.stream().map(f::applyAsDouble).toList());
        v.sort(Comparator.naturalOrder());
        boolean integral = v.stream().allMatch(d -> d == Math.rint(d));
        String fmt = integral ? "%.0f" : "%.2f";
        double median = median(v);
        String medianFmt = median == Math.rint(median) ? fmt : "%.2f";
        md.append(String.format(Locale.ROOT, "| %s | " + medianFmt + " | " + fmt + "–" + fmt + " | %s |%n", figure,
                median, v.get(0), v.get(v.size() - 1), target));
    }

    static double median(List<Double> sorted) {
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
