package dev.pointsman.log;

import java.io.IOException;

/**
 * Carries formatted lines to one destination. Called from the log sender thread, or, for a sender
 * that is {@link #direct()}, from any thread (event loops included).
 */
interface LogSender extends AutoCloseable {
    /**
     * Sends one line, cut to {@code maxLength} bytes where the destination is a syslog socket
     * (the target's {@code len}); a direct sender never blocks and returns false when it could not
     * take the line at once (the line is dropped).
     */
    boolean send(String line, int maxLength) throws IOException;

    /**
     * Whether lines are sent by the caller itself, without the queue and the sender thread: true
     * for a sender that cannot block (a non-blocking UDP socket), which saves a thread hand-over
     * per line.
     */
    default boolean direct() {
        return false;
    }

    @Override
    void close();
}
