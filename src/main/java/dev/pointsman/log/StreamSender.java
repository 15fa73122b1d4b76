package dev.pointsman.log;

import java.io.PrintStream;

/**
 * {@code log stdout} / {@code log stderr}: one line each, flushed. Unlike HAProxy, Pointsman does
 * not truncate these lines to the target's {@code len}: a stream has no datagram size to respect,
 * and a collector reading it (journald, a container runtime) keeps the whole line.
 */
final class StreamSender implements LogSender {
    private final PrintStream out;

    StreamSender(PrintStream out) {
        this.out = out;
    }

    @Override
    public boolean send(String line, int maxLength) {
        out.print(line + "\n");
        out.flush();
        return true;
    }

    @Override
    public void close() {
        out.flush();
    }
}
