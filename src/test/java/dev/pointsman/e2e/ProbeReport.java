package dev.pointsman.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What a {@link WriteProbe} saw. Times are seconds since the probe started.
 *
 * @param attempts INSERTs tried, each on a new connection
 * @param failed attempts that were not acknowledged
 * @param misrouted attempts that reached a node in recovery (SQLState 25006): must be 0
 * @param lost acknowledged ids missing on the new primary afterwards (must be empty); null until counted
 * @param windowSeconds the longest time without an acknowledged write, from one acknowledgement
 *     (or the probe's start) to the next (or its stop)
 * @param windowFrom when that window began
 * @param failureSpanSeconds from the start of the first failed attempt to the end of the last one: how
 *     long writes were disturbed, even when some got through meanwhile (0 without failures)
 * @param longestWaitSeconds the longest single attempt, acknowledged or not (a proxy that holds
 *     clients while there is no primary shows it here rather than in failed attempts)
 * @param acknowledged the acknowledged ids, each with the address of the server that acknowledged it
 * @param errors failed attempts per "SQLSTATE message"
 * @param marks events marked during the run ("switchover", ...) and when
 */
record ProbeReport(String scenario, String proxy, int attempts, int failed, int misrouted, List<Integer> lost,
        double windowSeconds, double windowFrom, double failureSpanSeconds, double longestWaitSeconds,
        Map<Integer, String> acknowledged, Map<String, Long> errors, Map<String, Double> marks) {

    static final String FIGURES_HEADER = """
            | when | scenario | proxy | attempts | failed | misrouted | lost | no-write window (s) | failures span (s) | longest wait (s) |
            |---|---|---|---:|---:|---:|---:|---:|---:|---:|
            """;

    static ProbeReport of(String scenario, String proxy, long startNanos, long stopNanos,
            List<WriteProbe.Attempt> attempts, Map<String, Long> markNanos) {
        List<WriteProbe.Attempt> acks = attempts.stream().filter(WriteProbe.Attempt::ok)
                .sorted(Comparator.comparingLong(WriteProbe.Attempt::endNanos)).toList();
        long previous = startNanos;
        long widest = -1;
        long widestFrom = startNanos;
        for (WriteProbe.Attempt ack : acks) {
            if (ack.endNanos() - previous > widest) {
                widest = ack.endNanos() - previous;
                widestFrom = previous;
            }
            previous = ack.endNanos();
        }
        if (stopNanos - previous > widest) {
            widest = stopNanos - previous;
            widestFrom = previous;
        }
        List<WriteProbe.Attempt> failures = attempts.stream().filter(a -> !a.ok()).toList();
        long failureSpan = failures.isEmpty() ? 0
                : failures.get(failures.size() - 1).endNanos() - failures.get(0).startNanos();
        long longestWait = attempts.stream().mapToLong(a -> a.endNanos() - a.startNanos()).max().orElse(0);
        Map<String, Double> marks = new LinkedHashMap<>();
        markNanos.entrySet().stream().sorted(Map.Entry.comparingByValue())
                .forEach(e -> marks.put(e.getKey(), (e.getValue() - startNanos) / 1e9));
        return new ProbeReport(scenario, proxy, attempts.size(), failures.size(),
                (int) attempts.stream().filter(WriteProbe.Attempt::misrouted).count(), null,
                widest / 1e9, (widestFrom - startNanos) / 1e9, failureSpan / 1e9, longestWait / 1e9,
                acks.stream().collect(Collectors.toMap(WriteProbe.Attempt::id, WriteProbe.Attempt::server,
                        (a, b) -> a, TreeMap::new)),
                failures.stream().collect(Collectors.groupingBy(a -> a.sqlState() + " " + abbreviate(a.error()),
                        TreeMap::new, Collectors.counting())),
                marks);
    }

    ProbeReport withLost(List<Integer> lostIds) {
        return new ProbeReport(scenario, proxy, attempts, failed, misrouted, List.copyOf(lostIds), windowSeconds,
                windowFrom, failureSpanSeconds, longestWaitSeconds, acknowledged, errors, marks);
    }

    /** The lost ids acknowledged by servers other than {@code address}. */
    List<Integer> lostExceptThoseAcknowledgedBy(String address) {
        return lost.stream().filter(id -> !address.equals(acknowledged.get(id))).toList();
    }

    /** One line for the test output. */
    String summary() {
        return String.format("[%s] %s: %d attempts, %d failed, %d misrouted, %s lost, %.2f s without writes"
                        + " (from +%.2f s), failures over %.2f s, longest wait %.2f s; marks %s; acks %s; errors %s",
                scenario, proxy, attempts, failed, misrouted, lostDetail(), windowSeconds, windowFrom,
                failureSpanSeconds, longestWaitSeconds, format(marks), acknowledgementsByServer(), errors);
    }

    /** Prints the summary and appends a row to target/e2e/figures.md (with its header when new). */
    ProbeReport print() {
        System.out.println(summary());
        Path figures = E2eDirs.output().resolve("figures.md");
        String row = String.format("| %s | %s | %s | %d | %d | %d | %s | %.2f | %.2f | %.2f |%n",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")), scenario, proxy,
                attempts, failed, misrouted, lostDetail(), windowSeconds, failureSpanSeconds, longestWaitSeconds);
        try {
            if (!Files.exists(figures)) {
                Files.writeString(figures, FIGURES_HEADER, StandardCharsets.UTF_8);
            }
            Files.writeString(figures, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + figures, e);
        }
        return this;
    }

    /** "0", or the count with the ids per acknowledging server: "1 (127.0.0.13: [14])". */
    private String lostDetail() {
        if (lost == null) {
            return "?";
        }
        if (lost.isEmpty()) {
            return "0";
        }
        Map<String, List<Integer>> byServer = lost.stream()
                .collect(Collectors.groupingBy(acknowledged::get, TreeMap::new, Collectors.toList()));
        return lost.size() + " " + byServer;
    }

    private Map<String, Long> acknowledgementsByServer() {
        return acknowledged.values().stream()
                .collect(Collectors.groupingBy(server -> server, TreeMap::new, Collectors.counting()));
    }

    private static String format(Map<String, Double> marks) {
        return marks.entrySet().stream().map(e -> String.format("%s@+%.2f s", e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ", "[", "]"));
    }

    private static String abbreviate(String message) {
        String m = message == null ? "" : message;
        return m.length() <= 100 ? m : m.substring(0, 97) + "...";
    }
}
