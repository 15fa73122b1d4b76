package dev.pointsman.backend;

/** The frontend side of a session: its counters. The frontend counts a session until its client channel closes. */
public interface SessionOrigin {
    /** Current sessions of the whole process (HAProxy's actconn). */
    int actconn();

    /** Current sessions of this frontend (feconn). */
    int feconn();

    void bytes(long fromClient, long toClient);
}
