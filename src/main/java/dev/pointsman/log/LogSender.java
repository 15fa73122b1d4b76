package dev.pointsman.log;

import java.io.IOException;

/** Carries formatted lines to one destination. Called only from the log sender thread. */
interface LogSender extends AutoCloseable {
    void send(String line) throws IOException;

    @Override
    void close();
}
