package dev.pointsman.check;

import java.time.Duration;

/** The bytes a stream probe sends once connected, and how it judges what comes back. */
interface Conversation {
    byte[] request();

    /**
     * Judges the bytes received so far ({@code buf[0..len)}); {@code eof} when the server closed.
     * Returns null while more bytes are needed (never when {@code eof}).
     */
    ProbeOutcome evaluate(byte[] buf, int len, boolean eof, Duration elapsed);

    /** The most bytes worth buffering; more is a failed check ({@link #tooLarge(Duration)}). */
    int maxBytes();

    ProbeOutcome tooLarge(Duration elapsed);
}
