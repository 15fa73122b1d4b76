package dev.pointsman.cluster.dcs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * The JSON of etcd's v3 gateway (grpc-gateway): requests as text, answers as records. Keys and
 * values travel in base64, 64-bit integers as strings, and fields at their zero value (a PUT
 * event's {@code type}, {@code created: false}) are left out.
 */
final class EtcdJson {
    private EtcdJson() {}

    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** An answer that is not what the gateway sends. */
    static final class BadAnswer extends Exception {
        BadAnswer(String message) {
            super(message, null, false, false);
        }
    }

    /** The key's value and mod_revision (absent: empty and 0), and the store's revision at the read. */
    record Range(Optional<String> value, long modRevision, long revision) {}

    /** One line of a watch stream. */
    sealed interface WatchMessage permits Created, Events, Progress, Canceled, Failed {}

    /** The watch exists; events after {@code revision} follow. */
    record Created(long revision) implements WatchMessage {}

    /** Changes, in revision order. */
    record Events(List<Event> events, long revision) implements WatchMessage {}

    /** Nothing changed up to {@code revision} (a progress notification). */
    record Progress(long revision) implements WatchMessage {}

    /** etcd ended the watch; {@code compactRevision} > 0 when the start revision was compacted away. */
    record Canceled(long compactRevision, String reason) implements WatchMessage {}

    /** The gateway reports an error inside the stream ({@code {"error":{...}}}). */
    record Failed(String message) implements WatchMessage {}

    /** A PUT (value present) or a DELETE (empty), at {@code modRevision}. */
    record Event(Optional<String> value, long modRevision) {}

    static String rangeRequest(String key) {
        return "{\"key\":\"" + base64(key) + "\"}";
    }

    static String watchCreate(String key, long startRevision) {
        return "{\"create_request\":{\"key\":\"" + base64(key) + "\",\"start_revision\":\"" + startRevision
                + "\",\"progress_notify\":true}}";
    }

    static Range range(String json) throws BadAnswer {
        JsonNode root = parse(json);
        long revision = number(root.path("header"), "revision");
        JsonNode kvs = root.path("kvs");
        if (kvs.isMissingNode() || kvs.isNull() || kvs.isEmpty()) {
            return new Range(Optional.empty(), 0, revision);
        }
        if (!kvs.isArray()) {
            throw new BadAnswer("range: 'kvs' is not an array");
        }
        JsonNode kv = kvs.get(0);
        return new Range(Optional.of(decode(text(kv, "value"))), number(kv, "mod_revision"), revision);
    }

    static WatchMessage watch(String json) throws BadAnswer {
        JsonNode root = parse(json);
        if (root.has("error")) {
            JsonNode error = root.get("error");
            return new Failed(error.isObject() ? error.path("message").asText(error.toString()) : error.asText());
        }
        JsonNode result = root.path("result");
        if (!result.isObject()) {
            throw new BadAnswer("watch: neither 'result' nor 'error' in " + abbreviate(json));
        }
        long revision = number(result.path("header"), "revision");
        if (result.path("canceled").asBoolean(false)) {
            long compact = result.has("compact_revision") ? number(result, "compact_revision") : 0;
            return new Canceled(compact, result.path("cancel_reason").asText(""));
        }
        if (result.path("created").asBoolean(false)) {
            return new Created(revision);
        }
        JsonNode events = result.path("events");
        if (events.isArray() && !events.isEmpty()) {
            List<Event> list = new ArrayList<>();
            for (JsonNode e : events) {
                JsonNode kv = e.path("kv");
                String type = e.path("type").asText("PUT");
                switch (type) {
                    case "PUT" -> list.add(new Event(Optional.of(decode(text(kv, "value"))), number(kv, "mod_revision")));
                    case "DELETE" -> list.add(new Event(Optional.empty(), number(kv, "mod_revision")));
                    default -> throw new BadAnswer("watch: unknown event type '" + type + "'");
                }
            }
            return new Events(List.copyOf(list), revision);
        }
        return new Progress(revision);
    }

    static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String decode(String base64) throws BadAnswer {
        try {
            return new String(Base64.getDecoder().decode(base64), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new BadAnswer("not base64: '" + abbreviate(base64) + "'");
        }
    }

    private static JsonNode parse(String json) throws BadAnswer {
        try {
            JsonNode node = MAPPER.readTree(json);
            if (node == null || !node.isObject()) {
                throw new BadAnswer("not a JSON object: '" + abbreviate(json) + "'");
            }
            return node;
        } catch (JsonProcessingException e) {
            throw new BadAnswer("not JSON: '" + abbreviate(json) + "'");
        }
    }

    /** A string field; an empty value (the gateway leaves out empty bytes) reads as "". */
    private static String text(JsonNode node, String field) throws BadAnswer {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return "";
        }
        if (!v.isTextual()) {
            throw new BadAnswer("'" + field + "' is not a string");
        }
        return v.asText();
    }

    /** An int64 field, sent as a string (or a number); absent = 0. */
    private static long number(JsonNode node, String field) throws BadAnswer {
        JsonNode v = node.path(field);
        if (v.isMissingNode() || v.isNull()) {
            return 0;
        }
        if (v.isIntegralNumber()) {
            return v.asLong();
        }
        try {
            return Long.parseLong(v.asText());
        } catch (NumberFormatException e) {
            throw new BadAnswer("'" + field + "' is not an integer: '" + abbreviate(v.asText()) + "'");
        }
    }

    static String abbreviate(String text) {
        return text.length() <= 120 ? text : text.substring(0, 117) + "...";
    }
}
