package dev.pointsman.config;

import java.net.URI;
import java.util.List;

/**
 * {@code patroni-dcs etcd3 URL[,URL...] scope NAME [namespace /service]} (Pointsman's own keyword):
 * watch Patroni's leader key {@code <namespace>/<scope>/leader} in etcd (v3 API) to learn of a
 * leader change the moment it happens, and its failover key to learn of a planned switchover
 * before the leader starts to demote. REST checks stay the authority for confirming a new primary.
 */
public record DcsWatch(Kind kind, List<URI> endpoints, String scope, String namespace, Source source) {
    public DcsWatch {
        endpoints = List.copyOf(endpoints);
    }

    public enum Kind { ETCD3 }

    /** The etcd key holding the leader's member name. */
    public String leaderKey() {
        return key("leader");
    }

    /**
     * The etcd key where Patroni asks for a switchover or failover ({@code {"leader":..,"member":..}},
     * written by {@code patronictl switchover} or the REST API before the leader demotes itself,
     * and set to {@code {}} once the new leader holds the lock).
     */
    public String failoverKey() {
        return key("failover");
    }

    private String key(String name) {
        String ns = namespace.endsWith("/") ? namespace : namespace + "/";
        return (ns.startsWith("/") ? ns : "/" + ns) + scope + "/" + name;
    }
}
