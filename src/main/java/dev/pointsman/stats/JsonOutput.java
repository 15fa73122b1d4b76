package dev.pointsman.stats;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Optional;

/**
 * {@code <uri>;json}, Pointsman's own stable shape (not HAProxy's typed arrays):
 *
 * <pre>
 * {
 *   "pointsman": {"version": "0.1.0", "node": "db-proxy-1", "pid": 4242, "uptime_seconds": 93},
 *   "proxies": [
 *     {"name": "primary", "mode": "tcp",
 *      "frontend": {"pxname": "primary", "svname": "FRONTEND", "status": "OPEN", "scur": 0, ...},
 *      "servers": [{"pxname": "primary", "svname": "pg-2", "status": "DOWN", "check_status": "L7STS",
 *                   "check_code": 503, "standing": "STANDBY", "standing_desc": "STANDBY (replica)",
 *                   "patroni_role": "replica", "patroni_timeline": 3, "patroni_lag": 0, ...}],
 *      "backend": {"pxname": "primary", "svname": "BACKEND", "status": "UP", "act": 1, ...}}
 *   ]
 * }
 * </pre>
 *
 * Keys inside a row are the CSV field names ({@link Field}); a field without a value is absent;
 * numbers are JSON numbers, everything else strings. {@code frontend} or {@code backend} is
 * absent when the proxy has no such side; {@code version} is absent with {@code stats hide-version}
 * and {@code node} without {@code stats show-node}.
 */
final class JsonOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonOutput() {}

    static String render(List<ProxyBlock> blocks, Optional<String> version, Optional<String> node, long uptimeSeconds) {
        return render(blocks, version, node, uptimeSeconds, java.util.Map.of());
    }

    /** @param clusters the Patroni cluster view of each Patroni-backed backend, under "clusters" */
    static String render(List<ProxyBlock> blocks, Optional<String> version, Optional<String> node, long uptimeSeconds,
                         java.util.Map<String, ?> clusters) {
        ObjectNode root = JSON.createObjectNode();
        ObjectNode info = root.putObject("pointsman");
        version.ifPresent(v -> info.put("version", v));
        node.ifPresent(n -> info.put("node", n));
        info.put("pid", ProcessHandle.current().pid());
        info.put("uptime_seconds", uptimeSeconds);
        ArrayNode proxies = root.putArray("proxies");
        for (ProxyBlock b : blocks) {
            ObjectNode p = proxies.addObject();
            p.put("name", b.name());
            p.put("mode", b.mode());
            ArrayNode servers = p.putArray("servers");
            for (Row r : b.rows()) {
                switch (r.scope()) {
                    case FRONTEND -> fill(p.putObject("frontend"), r);
                    case BACKEND -> fill(p.putObject("backend"), r);
                    case SERVER -> fill(servers.addObject(), r);
                }
            }
        }
        if (!clusters.isEmpty()) {
            root.set("clusters", JSON.valueToTree(clusters));
        }
        try {
            return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stats JSON", e);
        }
    }

    private static void fill(ObjectNode o, Row r) {
        for (Field f : Field.values()) {
            Object v = r.get(f);
            if (v instanceof Long l) {
                o.put(f.csv(), l);
            } else if (v != null) {
                o.put(f.csv(), v.toString());
            }
        }
    }
}
