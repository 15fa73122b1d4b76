package dev.pointsman.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading Patroni's JSON answers ({@code /cluster}, {@code /history}) defensively: every field is
 * optional, wrong types are ignored, and anything that is not the expected shape is a
 * {@link BadAnswer} with a reason, never an exception escaping to the event loop.
 */
final class Answers {
    private static final ObjectMapper JSON = new ObjectMapper();

    private Answers() {}

    /** An answer that cannot be used, with why. */
    static final class BadAnswer extends Exception {
        BadAnswer(String reason) {
            super(reason, null, false, false);
        }
    }

    /** {@code GET /cluster}: the scope when given (Patroni 4.x) and the members in order. */
    record ClusterAnswer(String scope, List<Member> members) {}

    static ClusterAnswer cluster(byte[] body) throws BadAnswer {
        JsonNode root = tree(body);
        JsonNode list = root.get("members");
        if (list == null || !list.isArray()) {
            throw new BadAnswer("no members list in /cluster answer");
        }
        List<Member> members = new ArrayList<>();
        for (JsonNode m : list) {
            String name = text(m, "name");
            if (!m.isObject() || name == null) {
                throw new BadAnswer("a /cluster member without a name");
            }
            JsonNode lag = m.get("lag");
            Long lagBytes = lag != null && lag.isIntegralNumber() ? lag.asLong() : null;
            boolean lagUnknown = lag != null && lag.isTextual();
            JsonNode port = m.get("port");
            members.add(new Member(name, text(m, "role"), text(m, "state"), text(m, "host"),
                    port != null && port.canConvertToInt() ? port.asInt() : 0, text(m, "api_url"),
                    number(m, "timeline"), lagBytes, lagUnknown, null, m.path("pending_restart").asBoolean(false),
                    tags(m.get("tags")), null, null, false, null));
        }
        return new ClusterAnswer(text(root, "scope"), members);
    }

    /** {@code GET /history}: {@code [[timeline, lsn, reason, timestamp(, new leader)], ...]}. */
    static List<ClusterView.HistoryEntry> history(byte[] body) throws BadAnswer {
        JsonNode root = tree(body);
        if (!root.isArray()) {
            throw new BadAnswer("/history answer is not a JSON array");
        }
        List<ClusterView.HistoryEntry> entries = new ArrayList<>();
        for (JsonNode e : root) {
            // a timeline is a whole number from 1, an LSN a whole number from 0 (a negative one would
            // make a fork point before every write, and a discarded range out of nothing)
            if (!e.isArray() || e.size() < 2 || !e.get(0).isIntegralNumber() || !e.get(1).isIntegralNumber()
                    || !e.get(0).canConvertToLong() || !e.get(1).canConvertToLong()
                    || e.get(0).asLong() < 1 || e.get(1).asLong() < 0) {
                throw new BadAnswer("a /history line is not [timeline, lsn, ...]");
            }
            entries.add(new ClusterView.HistoryEntry(e.get(0).asLong(), e.get(1).asLong(), at(e, 2), at(e, 3),
                    at(e, 4)));
        }
        return entries;
    }

    private static JsonNode tree(byte[] body) throws BadAnswer {
        try {
            JsonNode root = JSON.readTree(body);
            if (root == null || root.isMissingNode()) {
                throw new BadAnswer("empty body");
            }
            return root;
        } catch (IOException e) {
            throw new BadAnswer("not JSON: " + firstLine(e.getMessage()));
        }
    }

    private static String at(JsonNode array, int i) {
        JsonNode v = array.get(i);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? null : v.asText();
    }

    private static Long number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.isIntegralNumber() ? v.asLong() : null;
    }

    private static Map<String, String> tags(JsonNode tags) {
        Map<String, String> out = new LinkedHashMap<>();
        if (tags != null && tags.isObject()) {
            tags.fields().forEachRemaining(e -> {
                if (!e.getValue().isContainerNode() && !e.getValue().isNull()) {
                    out.put(e.getKey(), e.getValue().asText());
                }
            });
        }
        return out;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int nl = message.indexOf('\n');
        return nl < 0 ? message : message.substring(0, nl);
    }
}
