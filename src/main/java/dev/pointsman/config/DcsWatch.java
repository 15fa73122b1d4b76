package dev.pointsman.config;

import java.net.URI;
import java.util.List;

/**
 * {@code patroni-dcs etcd3 URL[,URL...] scope NAME [namespace /service]} (Pointsman's own keyword):
 * watch Patroni's leader key {@code <namespace>/<scope>/leader} in etcd (v3 API) to learn of a
 * leader change the moment it happens. REST checks stay the authority for confirming a new primary.
 */
public record DcsWatch(Kind kind, List<URI> endpoints, String scope, String namespace, Source source) {
    public DcsWatch {
        endpoints = List.copyOf(endpoints);
    }

    public enum Kind { ETCD3 }

    /** The etcd key holding the leader's member name. */
    public String leaderKey() {
        String ns = namespace.endsWith("/") ? namespace : namespace + "/";
        return (ns.startsWith("/") ? ns : "/" + ns) + scope + "/leader";
    }
}
