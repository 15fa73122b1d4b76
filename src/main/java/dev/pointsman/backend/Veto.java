package dev.pointsman.backend;

/**
 * Who keeps a server out of its pool although its checks pass. Each source sets and lifts its own
 * veto; a server is usable only while none holds one.
 */
public enum Veto {
    /** Another server came up on the same primary pool: this one must prove on a fresh check that it is still the leader. */
    RECHECK("re-check"),
    /** A session's connection to it failed (or was refused at startup): out until a fresh check passes. */
    CONNECT("connect"),
    /** Patroni's leader key in etcd names another member (primary pool) or this one (replica pool). */
    DCS("dcs"),
    /** A due switchover request names this leader: no new session until the key has moved. */
    SWITCHOVER("switchover"),
    /** The Patroni cluster view's verdict (not the leader, not running, lagging...). */
    VIEW("cluster view");

    private final String label;

    Veto(String label) {
        this.label = label;
    }

    /** How logs and stats name the source. */
    public String label() {
        return label;
    }
}
