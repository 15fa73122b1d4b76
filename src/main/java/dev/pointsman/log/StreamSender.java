package dev.pointsman.log;

import java.io.PrintStream;

/** {@code log stdout} / {@code log stderr}: one line each, flushed. */
final class StreamSender implements LogSender {
    private final PrintStream out;

    StreamSender(PrintStream out) {
        this.out = out;
    }

    @Override
    public boolean send(String line) {
        out.print(line + "\n");
        out.flush();
        return true;
    }

    @Override
    public void close() {
        out.flush();
    }
}
