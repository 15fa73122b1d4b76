package dev.pointsman.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * What one fault scenario did to the clients of one proxy. Times are seconds since the fault began
 * (NaN: did not happen).
 *
 * @param fault the scenario
 * @param proxy pointsman or haproxy
 * @param faulted the node the fault was done to (none for etcd and the proxy)
 * @param leaderBefore the leader before the fault, by Patroni
 * @param leaderAfter the leader once the cluster was healthy again
 * @param promoted the node whose Patroni logged "promoted self to leader" first after the fault began (null: none)
 * @param promotedAt when it did
 * @param attempts the write probe's INSERTs, each on a new connection through 5000
 * @param failed attempts not acknowledged
 * @param readOnly attempts that reached a node in recovery (SQLState 25006)
 * @param splitAcks acknowledged attempts whose server did not hold Patroni's leader key at that
 *     moment (per server): writes routed to a node that was not the primary
 * @param window the longest time without an acknowledged write (seconds)
 * @param longestWait the longest single attempt (seconds)
 * @param firstWrite from {@code promotedAt} to the end of the first write the promoted node acknowledged
 * @param sessions one line per long session: its server, when it was cut and how, answers after another node held the key
 * @param staleAnswers long-session answers on a node after another node held the key (the must-hold: 0)
 * @param lostProbe acknowledged probe rows missing on the leader afterwards, per server
 * @param lostSessions acknowledged long-session rows missing on the leader afterwards, per server
 * @param reads the read probe's figures (empty when it did not run)
 * @param key the leader key's changes since the fault ("+S.SS s HOLDER")
 */
record FaultReport(Fault fault, String proxy, String faulted, String leaderBefore, String leaderAfter, String promoted,
        double promotedAt, int attempts, int failed, int readOnly, Map<String, Long> splitAcks, double window,
        double longestWait, double firstWrite, List<String> sessions, long staleAnswers,
        Map<String, Long> lostProbe, Map<String, Long> lostSessions, Reads reads, List<String> key,
        Map<String, Long> errors) {

    /**
     * The read probe through 5001.
     *
     * @param attempts reads, each on a new connection
     * @param failed reads not answered
     * @param toPrimary reads answered by a node not in recovery
     * @param toFaulted reads answered by the faulted node while the fault was in place
     * @param maxStale the largest delay, in seconds, between a write acknowledged through 5000 and a read that began after it and did not see it
     * @param staleOver1s reads that missed a write acknowledged more than 1 s before they began
     */
    record Reads(int attempts, int failed, int toPrimary, int toFaulted, double maxStale, int staleOver1s) {
        static final Reads NONE = new Reads(0, 0, 0, 0, Double.NaN, 0);
    }

    static final String HEADER = """
            | when | scenario | proxy | faulted | leader before → after | attempts | failed | read-only | acked by a non-holder | no-write window (s) | longest wait (s) | promotion (s) | first write after it (s) | long sessions | answers after another node held the key | lost (probe / sessions) | reads: failed / to primary / to faulted / max stale (s) |
            |---|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---|---|
            """;

    long split() {
        return splitAcks.values().stream().mapToLong(Long::longValue).sum();
    }

    long lost() {
        return lostProbe.values().stream().mapToLong(Long::longValue).sum()
                + lostSessions.values().stream().mapToLong(Long::longValue).sum();
    }

    /** The must-hold "0 writes routed to a node that is not the primary": read-only answers plus acknowledgements by a non-holder. */
    long misrouted() {
        return readOnly + split();
    }

    String summary() {
        return String.format(Locale.ROOT, "[%s] %s: faulted %s, leader %s -> %s; %d attempts, %d failed, %d read-only,"
                        + " %d acked by a non-holder %s; %.2f s without writes, longest wait %.2f s; promoted %s at %s s,"
                        + " first write %s s after; long sessions %s; %d answers after another node held the key;"
                        + " lost %s / %s; reads %s; key %s; errors %s",
                fault.label, proxy, faulted, leaderBefore, leaderAfter, attempts, failed, readOnly, split(), splitAcks,
                window, longestWait, promoted, fmt(promotedAt), fmt(firstWrite), sessions, staleAnswers, lostProbe,
                lostSessions, reads, key, errors);
    }

    /** Prints the summary and appends a row to target/e2e/faults-figures.md. */
    FaultReport print() {
        System.out.println(summary());
        Path figures = E2eDirs.output().resolve("faults-figures.md");
        String row = String.format(Locale.ROOT, "| %s | %s | %s | %s | %s → %s | %d | %d | %d | %s | %.2f | %.2f | %s | %s | %s | %d | %d / %d | %s |%n",
                LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm")), fault.label, proxy,
                faulted == null ? "—" : faulted, leaderBefore, leaderAfter, attempts, failed, readOnly,
                split() == 0 ? "0" : split() + " " + splitAcks, window, longestWait,
                promoted == null ? "—" : fmt(promotedAt) + " (" + promoted + ")", fmt(firstWrite),
                String.join("; ", sessions), staleAnswers, lostProbe.values().stream().mapToLong(Long::longValue).sum(),
                lostSessions.values().stream().mapToLong(Long::longValue).sum(),
                reads.attempts() == 0 ? "—" : String.format(Locale.ROOT, "%d / %d / %d / %s", reads.failed(),
                        reads.toPrimary(), reads.toFaulted(), fmt(reads.maxStale())));
        try {
            if (!Files.exists(figures)) {
                Files.writeString(figures, HEADER, StandardCharsets.UTF_8);
            }
            Files.writeString(figures, row, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to " + figures, e);
        }
        return this;
    }

    static String fmt(double seconds) {
        return Double.isNaN(seconds) ? "—" : String.format(Locale.ROOT, "%.2f", seconds);
    }

    /** Counts per server, in server order. */
    static Map<String, Long> perServer(List<String> servers) {
        return servers.stream().collect(Collectors.groupingBy(s -> s, TreeMap::new, Collectors.counting()));
    }

    /** 127.0.0.1N → pg-N (anything else as it is). */
    static String node(String address) {
        return address != null && address.matches("127\\.0\\.0\\.1[1-3]") ? "pg-" + address.substring(9) : address;
    }

    /** The ids of {@code acknowledged} (id → server) absent from {@code present}, counted per server. */
    static Map<String, Long> missing(Map<Integer, String> acknowledged, java.util.Set<Integer> present) {
        List<String> servers = new ArrayList<>();
        acknowledged.forEach((id, server) -> {
            if (!present.contains(id)) {
                servers.add(node(server));
            }
        });
        return perServer(servers);
    }
}
