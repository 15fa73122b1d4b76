package dev.pointsman.backend;

/** The frontend side of a session: its counters, told when the session ends. */
public interface SessionOrigin {
    /** Current sessions of the whole process (HAProxy's actconn). */
    int actconn();

    /** Current sessions of this frontend (feconn). */
    int feconn();

    void bytes(long fromClient, long toClient);

    /** Called exactly once when the session has ended. */
    void ended();
}
