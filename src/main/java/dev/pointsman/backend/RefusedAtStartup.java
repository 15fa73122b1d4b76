package dev.pointsman.backend;

/**
 * The server answered a session's StartupMessage with "cannot connect now" (57P03), or dropped it
 * unanswered: told to the backend's connect-failure listener, which withdraws the server until a
 * fresh check passes. Without a stack trace: it is a verdict, not a fault.
 */
final class RefusedAtStartup extends Exception {
    RefusedAtStartup() {
        super("57P03 cannot connect now", null, false, false);
    }
}
