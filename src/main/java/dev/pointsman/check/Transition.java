package dev.pointsman.check;

/** What one check did to a server's health counter. */
public enum Transition {
    /** The counter did not move. */
    UNCHANGED,
    /** The counter moved but the server kept its state: a "going up" or "going down" step. */
    PENDING,
    /** The server changed between UP and DOWN. */
    CHANGED
}
