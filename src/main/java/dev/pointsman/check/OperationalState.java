package dev.pointsman.check;

/** What the checks say about a server: it takes traffic (UP) or it does not (DOWN). */
public enum OperationalState { UP, DOWN }
