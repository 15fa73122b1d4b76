package dev.pointsman.log;

/** Where finished sessions go. Implementations never block the caller (an event loop). */
public interface AccessLog {
    void log(TcpLogRecord record);

    AccessLog NONE = record -> { };
}
