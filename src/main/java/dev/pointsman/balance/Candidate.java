package dev.pointsman.balance;

/** What a balancer needs to know of a server. */
public interface Candidate {
    /** Effective weight, 1-256 (weight 0 servers are never offered to a balancer). */
    int weight();

    /** Sessions currently on this server, for leastconn and random. */
    int load();

    /** 1-based position in its backend (HAProxy's id), for {@code first}. */
    int id();
}
