package dev.pointsman.admin;

import dev.pointsman.config.StatsSocket.Level;
import java.time.Duration;

/**
 * One runtime API connection's state, as HAProxy keeps it per CLI session: the level (from the
 * socket, lowered by {@code operator} or {@code user}), interactive mode ({@code prompt}), the idle
 * timeout ({@code set timeout cli}), and whether {@code quit} was asked.
 *
 * <p>Owner: the connection's event loop.
 */
final class CliSession {
    private Level level;
    private boolean interactive;
    private boolean quit;
    private boolean noNewline;
    private Duration timeout;

    CliSession(Level level, Duration timeout) {
        this.level = level;
        this.timeout = timeout;
    }

    Level level() {
        return level;
    }

    void lower(Level to) {
        level = to;
    }

    boolean interactive() {
        return interactive;
    }

    void togglePrompt() {
        interactive = !interactive;
    }

    boolean quit() {
        return quit;
    }

    void requestQuit() {
        quit = true;
    }

    Duration timeout() {
        return timeout;
    }

    void timeout(Duration d) {
        timeout = d;
    }

    /** {@code operator -} and {@code user -}: no line feed after this one answer (HAProxy's NOLF). */
    void skipNewlineOnce() {
        noNewline = true;
    }

    /**
     * What follows an answer: the empty line of non-interactive mode, or {@code "\n> "} in
     * interactive mode (HAProxy's prompt).
     */
    String afterAnswer() {
        if (interactive) {
            noNewline = false;
            return "\n> ";
        }
        if (noNewline) {
            noNewline = false;
            return "";
        }
        return "\n";
    }
}
