package dev.pointsman.cluster.dcs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.Optional;

/**
 * Patroni's failover key, read the way Patroni reads it ({@code Failover.from_node} in Patroni 3.0):
 * a JSON object {@code {"leader": "pg-1", "member": "pg-2", "scheduled_at": "..."}} written by
 * {@code patronictl switchover}/{@code failover} or {@code POST /switchover} before the leader
 * demotes itself, {@code {}} once it was carried out or given up; an older plain
 * {@code leader:member} form is still understood.
 *
 * @param leader      the member asked to step down, if named
 * @param candidate   the member asked to take over, if named
 * @param scheduledAt when, for a scheduled switchover
 */
public record FailoverRequest(Optional<String> leader, Optional<String> candidate, Optional<Instant> scheduledAt) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** Thrown for a value Patroni itself would refuse (a {@code scheduled_at} that is not a time). */
    public static final class Unreadable extends Exception {
        Unreadable(String message) {
            super(message);
        }
    }

    /**
     * The request in a value of the failover key; empty when nothing is asked ({@code {}}, an empty
     * value, JSON that is not an object, an object naming nobody).
     */
    public static Optional<FailoverRequest> parse(String value, ZoneId zone) throws Unreadable {
        if (value == null || value.isBlank()) {
            return Optional.empty();
        }
        JsonNode node;
        try {
            node = MAPPER.readTree(value);
        } catch (IOException e) {
            return legacy(value);
        }
        if (node == null || !node.isObject()) {
            return Optional.empty();
        }
        Optional<String> leader = text(node, "leader");
        Optional<String> candidate = text(node, "member");
        if (leader.isEmpty() && candidate.isEmpty()) {
            return Optional.empty();
        }
        Optional<String> at = text(node, "scheduled_at");
        Optional<Instant> scheduled = at.isEmpty() ? Optional.empty() : Optional.of(time(at.get(), zone));
        return Optional.of(new FailoverRequest(leader, candidate, scheduled));
    }

    /** The member that will demote itself for this request while {@code holder} holds the leader key. */
    public Optional<String> demoting(Optional<String> holder) {
        if (holder.isEmpty() || leader.map(l -> !l.equals(holder.get())).orElse(false)
                || candidate.map(c -> c.equals(holder.get())).orElse(false)) {
            return Optional.empty(); // Patroni cleans such a request up without demoting anybody
        }
        return holder;
    }

    /** Whether Patroni acts on it at {@code now} (at once, or at its scheduled time). */
    public boolean due(Instant now) {
        return scheduledAt.map(at -> !now.isBefore(at)).orElse(true);
    }

    private static Optional<FailoverRequest> legacy(String value) {
        String[] parts = value.split(":", -1);
        Optional<String> leader = nonEmpty(parts[0].strip());
        Optional<String> candidate = parts.length > 1 ? nonEmpty(parts[1].strip()) : Optional.empty();
        if (leader.isEmpty() && candidate.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(new FailoverRequest(leader, candidate, Optional.empty()));
    }

    private static Instant time(String text, ZoneId zone) throws Unreadable {
        try {
            return OffsetDateTime.parse(text).toInstant();
        } catch (DateTimeException offsetMissing) {
            try {
                return LocalDateTime.parse(text).atZone(zone).toInstant();
            } catch (DateTimeException e) {
                throw new Unreadable("scheduled_at '" + text + "' is not an ISO 8601 time");
            }
        }
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || !v.isTextual() ? Optional.empty() : nonEmpty(v.asText());
    }

    private static Optional<String> nonEmpty(String s) {
        return s.isEmpty() ? Optional.empty() : Optional.of(s);
    }
}
