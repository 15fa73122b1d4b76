package dev.pointsman.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One node's Patroni log, {@code $POINTSMAN_CLUSTER_DIR/log/patroni-pg-N.log} (default
 * /var/tmp/pointsman-cluster), read for the moments a switchover or a failover is measured
 * against. Patroni 3.0.2 writes lines like {@code 2026-11-26 23:10:14,014 INFO: Demoting self
 * (graceful)} in the machine's local time; lines without such a prefix (PostgreSQL's own output)
 * are skipped.
 */
final class PatroniLog {
    /** The old leader begins to stop PostgreSQL: Patroni's graceful demote (a switchover). */
    static final Pattern DEMOTING = Pattern.compile("INFO: Demoting self \\(graceful\\)");
    /** The leader key was taken and {@code pg_ctl promote} started (switchover and failover alike). */
    static final Pattern PROMOTED = Pattern.compile("INFO: promoted self to leader by acquiring session lock");
    /** Lines too frequent to help a reader of an excerpt. */
    private static final Pattern NOISE = Pattern.compile("Got response from|no action\\. I am|Lock owner:|Local timeline=|primary_timeline=");

    private static final Pattern LINE = Pattern.compile("^(\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2},\\d{3}) (.*)$");
    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss,SSS");

    record Line(Instant at, String text) {}

    private final String node;
    private final Path file;

    private PatroniLog(String node, Path file) {
        this.node = node;
        this.file = file;
    }

    static PatroniLog of(String node) {
        String dir = System.getenv().getOrDefault("POINTSMAN_CLUSTER_DIR", "/var/tmp/pointsman-cluster");
        return new PatroniLog(node, Path.of(dir, "log", "patroni-" + node + ".log"));
    }

    /** The first line matching {@code what} stamped at or after {@code from}. */
    Optional<Instant> first(Pattern what, Instant from) {
        return lines(from, Instant.MAX).stream().filter(l -> what.matcher(l.text()).find()).map(Line::at).findFirst();
    }

    /** {@link #first}, waiting up to {@code bound} for Patroni to write it (its logger runs on a thread of its own). */
    Instant awaitFirst(Pattern what, Instant from, Duration bound) {
        long deadline = System.nanoTime() + bound.toNanos();
        while (true) {
            Optional<Instant> at = first(what, from);
            if (at.isPresent()) {
                return at.get();
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("no line /" + what + "/ in " + file + " since " + from + " within " + bound);
            }
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
    }

    /** Lines stamped in [from, to], the frequent routine ones left out, each prefixed by the node's name. */
    List<String> excerpt(Instant from, Instant to) {
        return lines(from, to).stream().filter(l -> !NOISE.matcher(l.text()).find())
                .map(l -> STAMP.format(LocalDateTime.ofInstant(l.at(), ZoneId.systemDefault())) + " " + node + " "
                        + l.text())
                .toList();
    }

    private List<Line> lines(Instant from, Instant to) {
        List<String> raw;
        try {
            raw = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read Patroni's log " + file, e);
        }
        List<Line> out = new ArrayList<>();
        for (String s : raw) {
            Matcher m = LINE.matcher(s);
            if (!m.matches()) {
                continue;
            }
            Instant at;
            try {
                at = LocalDateTime.parse(m.group(1), STAMP).atZone(ZoneId.systemDefault()).toInstant();
            } catch (DateTimeParseException e) {
                continue;
            }
            if (!at.isBefore(from) && !at.isAfter(to)) {
                out.add(new Line(at, m.group(2)));
            }
        }
        return out;
    }
}
