package dev.pointsman.backend;

/**
 * The server refused a session's opening: it answered the StartupMessage with "cannot connect
 * now" (57P03), dropped it unanswered, or left it unanswered while the cluster view doubts it.
 * Told to the backend's connect-failure listener, which withdraws the server until a fresh check
 * passes. Without a stack trace: it is a verdict, not a fault; its message says which.
 */
public final class RefusedAtStartup extends Exception {
    RefusedAtStartup() {
        this("57P03 cannot connect now");
    }

    private RefusedAtStartup(String message) {
        super(message, null, false, false);
    }

    /** The server closed the connection (or failed) before answering the client's opening. */
    static RefusedAtStartup dropped() {
        return new RefusedAtStartup("closed before answering the client's opening");
    }

    /** The doubted server left the client's opening unanswered for {@code millis}. */
    static RefusedAtStartup silent(long millis) {
        return new RefusedAtStartup("no answer to the client's opening within " + millis
                + " ms while the cluster view doubts the server, and its check failed");
    }
}
