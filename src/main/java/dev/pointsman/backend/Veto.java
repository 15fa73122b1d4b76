package dev.pointsman.backend;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who keeps a server out of its pool although its checks pass. Each source sets and lifts its own
 * veto; a server is usable only while none holds one.
 */
public enum Veto {
    /** Another server came up on the same primary pool: this one must prove on a fresh check that it is still the leader. */
    RECHECK("re-check", "health"),
    /** A session's connection to it failed (or was refused at startup): out until a fresh check passes. */
    CONNECT("connect", "health"),
    /** Patroni's leader key in etcd names another member (primary pool) or this one (replica pool). */
    DCS("dcs", "dcs"),
    /** A due switchover request names this leader: no new session until the key has moved. */
    SWITCHOVER("switchover", "dcs"),
    /** The Patroni cluster view's verdict (not the leader, not running, lagging...). */
    VIEW("cluster view", "cluster");

    private final String label;
    private final Logger log;

    Veto(String label, String logger) {
        this.label = label;
        this.log = LoggerFactory.getLogger(logger);
    }

    /** The log its withdrawals go to: health, dcs or cluster, as before the veto sources were one type. */
    Logger log() {
        return log;
    }

    /** How logs and stats name the source. */
    public String label() {
        return label;
    }
}
