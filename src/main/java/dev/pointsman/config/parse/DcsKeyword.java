package dev.pointsman.config.parse;

import dev.pointsman.config.DcsWatch;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code patroni-dcs etcd3 <url>[,<url>...] scope <name> [namespace <path>]}, Pointsman's own
 * keyword (defaults, listen, backend): watch Patroni's leader key {@code <namespace>/<scope>/leader}
 * in etcd's v3 API so that a leader change triggers a check round at once and withdraws the old
 * leader without waiting for {@code fall}. REST checks still confirm the new primary; while etcd
 * is unreachable, routing goes on by checks alone (Patroni's failsafe_mode). {@code no patroni-dcs}
 * drops a watch inherited from {@code defaults}.
 *
 * <ul>
 *   <li>{@code etcd3} is the only kind: Patroni's other stores are rejected by name;</li>
 *   <li>endpoints are {@code http://host[:port]} (port 2379 when omitted), comma-separated, tried in
 *       turn; whether they are loopback or remote is the user's business;</li>
 *   <li>{@code scope} (Patroni's {@code scope}) is required; {@code namespace} defaults to
 *       Patroni's {@code /service}.</li>
 * </ul>
 */
final class DcsKeyword {
    private DcsKeyword() {}

    static final String DEFAULT_NAMESPACE = "/service";
    static final int DEFAULT_PORT = 2379;

    /** Patroni's other stores, with what to say about each. */
    private static final Map<String, String> OTHER_STORES = Map.of(
            "etcd", "etcd's v2 API is not implemented; Patroni's 'etcd3' store is",
            "consul", "consul is not implemented; only etcd3 is",
            "zookeeper", "zookeeper is not implemented; only etcd3 is",
            "exhibitor", "exhibitor is not implemented; only etcd3 is",
            "kubernetes", "kubernetes is not implemented; only etcd3 is",
            "raft", "raft (pysyncobj) is not implemented; only etcd3 is");

    private static final List<String> OPTIONS = List.of("scope", "namespace");

    static void patroniDcs(ProxyBuilder p, Args a) {
        String kind = a.next("a store kind as argument (expected: etcd3 <url>[,<url>...] scope <name>)");
        if (OTHER_STORES.containsKey(kind)) {
            throw a.fail("'patroni-dcs " + kind + "': " + OTHER_STORES.get(kind));
        }
        if (!kind.equals("etcd3")) {
            throw a.fail("'patroni-dcs': unknown store '" + kind + "'" + Suggest.didYouMean(kind, List.of("etcd3"))
                    + " (expected: etcd3)");
        }
        List<URI> endpoints = endpoints(a, a.next("<url>[,<url>...] after 'etcd3' (e.g. http://127.0.0.1:2379)"));
        String scope = null;
        String namespace = null;
        while (a.has()) {
            String option = a.next("");
            switch (option) {
                case "scope" -> {
                    if (scope != null) {
                        throw a.fail("'patroni-dcs': 'scope' given twice");
                    }
                    scope = scope(a, a.next("<name> after 'scope'"));
                }
                case "namespace" -> {
                    if (namespace != null) {
                        throw a.fail("'patroni-dcs': 'namespace' given twice");
                    }
                    namespace = namespace(a, a.next("<path> after 'namespace' (e.g. /service)"));
                }
                default -> throw a.fail("'patroni-dcs': unknown option '" + option + "'"
                        + Suggest.didYouMean(option, OPTIONS) + " (expected: scope <name> [namespace <path>])");
            }
        }
        if (scope == null) {
            throw a.fail("'patroni-dcs' needs 'scope <name>' (Patroni's scope, e.g. scope pointsman)");
        }
        p.dcs = Optional.of(new DcsWatch(DcsWatch.Kind.ETCD3, endpoints, scope,
                namespace == null ? DEFAULT_NAMESPACE : namespace, a.source()));
    }

    /** {@code no patroni-dcs}: forget a watch inherited from defaults. */
    static void noPatroniDcs(ProxyBuilder p, Args a) {
        a.keyword("no patroni-dcs");
        if (a.section() == Section.FRONTEND) {
            throw a.fail("'no patroni-dcs' is not allowed in a 'frontend' section (allowed in: "
                    + Section.describe(Section.of("D-LB")) + ")");
        }
        a.end();
        p.dcs = Optional.empty();
    }

    private static List<URI> endpoints(Args a, String list) {
        List<URI> endpoints = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            URI uri = endpoint(a, item);
            if (endpoints.contains(uri)) {
                throw a.fail("'patroni-dcs': endpoint '" + item + "' is listed twice");
            }
            endpoints.add(uri);
        }
        return endpoints;
    }

    /** {@code http://host[:port][/]}, normalised to {@code http://host:port}. */
    static URI endpoint(Args a, String text) {
        String expected = " (expected: http://<host>[:<port>])";
        if (text.isEmpty()) {
            throw a.fail("'patroni-dcs': empty endpoint in the list" + expected);
        }
        if (!text.contains("://")) {
            throw a.fail("'patroni-dcs': endpoint '" + text + "' needs a scheme" + expected);
        }
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw a.fail("'patroni-dcs': bad endpoint '" + text + "': " + e.getReason() + expected);
        }
        if (uri.getScheme() == null || uri.isOpaque()) {
            throw a.fail("'patroni-dcs': endpoint '" + text + "' needs a scheme" + expected);
        }
        if (uri.getScheme().equals("https")) {
            throw a.fail("'patroni-dcs': endpoint '" + text + "': https (TLS to etcd) is not implemented" + expected);
        }
        if (!uri.getScheme().equals("http")) {
            throw a.fail("'patroni-dcs': endpoint '" + text + "': scheme '" + uri.getScheme() + "' is not supported"
                    + expected);
        }
        if (uri.getHost() == null) {
            throw a.fail("'patroni-dcs': endpoint '" + text + "' has no valid host" + expected);
        }
        if (uri.getUserInfo() != null || uri.getQuery() != null || uri.getFragment() != null
                || !(uri.getPath().isEmpty() || uri.getPath().equals("/"))) {
            throw a.fail("'patroni-dcs': endpoint '" + text + "' may carry only a host and a port" + expected);
        }
        int port = uri.getPort() == -1 ? DEFAULT_PORT : uri.getPort();
        if (port < 1 || port > 65535) {
            throw a.fail("'patroni-dcs': port: " + port + " (expected: 1-65535)");
        }
        return URI.create("http://" + uri.getHost() + ":" + port);
    }

    private static String scope(Args a, String scope) {
        if (scope.contains("/")) {
            throw a.fail("'patroni-dcs': scope '" + scope + "' may not contain '/' (expected: Patroni's scope name)");
        }
        return scope;
    }

    private static String namespace(Args a, String namespace) {
        String trimmed = namespace.replaceAll("^/+|/+$", "");
        if (trimmed.isEmpty() || trimmed.contains("//")) {
            throw a.fail("'patroni-dcs': bad namespace '" + namespace + "' (expected: a path such as /service)");
        }
        return "/" + trimmed;
    }
}
