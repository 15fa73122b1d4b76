package dev.pointsman.check;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * What a Patroni node said about itself in the JSON body of a GET health check ({@code /primary},
 * {@code /replica}, {@code /patroni}...). Every field is optional: Patroni omits some depending
 * on role and version, and a body from something that is not Patroni may carry none of them.
 *
 * @param role             as sent: {@code master} (Patroni 3.x), {@code primary} (4.x),
 *                         {@code replica}, {@code standby_leader}
 * @param state            {@code running}, {@code starting}, {@code stopped}, {@code crashed}...
 * @param xlog             WAL positions: {@code location} on a primary; received/replayed on a replica
 * @param pendingRestart   {@code pending_restart}: a setting waits for a restart
 * @param patroni          {@code patroni{version, scope, name}}
 * @param replicationState {@code replication_state} of a replica ({@code streaming}, ...)
 * @param systemId         {@code database_system_identifier}: the same on every member of one cluster,
 *                         new when a cluster is created again (initdb or a restore under a new identity)
 */
public record PatroniStatus(Optional<String> role, Optional<String> state, OptionalLong timeline, Optional<Xlog> xlog,
                            boolean pendingRestart, Optional<Identity> patroni, Optional<String> replicationState,
                            OptionalLong serverVersion, Optional<String> systemId) {

    private static final ObjectMapper JSON = new ObjectMapper();

    /** {@code xlog}: on a primary {@code location}; on a replica the received/replayed positions. */
    public record Xlog(OptionalLong location, OptionalLong receivedLocation, OptionalLong replayedLocation,
                       Optional<String> replayedTimestamp, Optional<Boolean> paused) {}

    /** {@code patroni}: the node's Patroni version, cluster scope and member name. */
    public record Identity(Optional<String> version, Optional<String> scope, Optional<String> name) {}

    /** Role {@code master} (Patroni before 4) or {@code primary}. */
    public boolean isPrimary() {
        return role.map(r -> r.equals("master") || r.equals("primary")).orElse(false);
    }

    public boolean isRunning() {
        return state.map("running"::equals).orElse(false);
    }

    /** Parses a JSON object; empty when the bytes are not a JSON object. */
    public static Optional<PatroniStatus> parse(byte[] body) {
        JsonNode root;
        try {
            root = JSON.readTree(body);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
        if (root == null || !root.isObject()) {
            return Optional.empty();
        }
        Optional<Xlog> xlog = Optional.ofNullable(root.get("xlog")).filter(JsonNode::isObject).map(x -> new Xlog(
                number(x, "location"), number(x, "received_location"), number(x, "replayed_location"),
                text(x, "replayed_timestamp"),
                Optional.ofNullable(x.get("paused")).filter(JsonNode::isBoolean).map(JsonNode::booleanValue)));
        Optional<Identity> identity = Optional.ofNullable(root.get("patroni")).filter(JsonNode::isObject)
                .map(p -> new Identity(text(p, "version"), text(p, "scope"), text(p, "name")));
        JsonNode pending = root.get("pending_restart");
        return Optional.of(new PatroniStatus(
                text(root, "role").map(r -> r.toLowerCase(Locale.ROOT)),
                text(root, "state"),
                number(root, "timeline"),
                xlog,
                pending != null && pending.asBoolean(false),
                identity,
                text(root, "replication_state"),
                number(root, "server_version"),
                text(root, "database_system_identifier")));
    }

    private static Optional<String> text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() || v.isContainerNode() ? Optional.empty() : Optional.of(v.asText());
    }

    private static OptionalLong number(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v != null && v.canConvertToLong() && v.isIntegralNumber() ? OptionalLong.of(v.asLong()) : OptionalLong.empty();
    }
}
