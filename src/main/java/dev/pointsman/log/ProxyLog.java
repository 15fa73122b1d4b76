package dev.pointsman.log;

import dev.pointsman.config.LogTarget;
import dev.pointsman.config.LogTarget.Level;
import java.util.List;

/**
 * The {@code log} targets of one proxy and its syslog tag. {@link #log} applies each
 * target's level filter (a line less severe than {@code level} is not sent) and {@code minlevel}
 * (a line more severe is sent at {@code minlevel}), then hands the line to the sender queue. Never
 * blocks.
 */
public final class ProxyLog {
    record Sink(LogTarget target, LogSender sender) {}

    private final LogService service;
    private final String tag;
    private final List<Sink> sinks;

    ProxyLog(LogService service, String tag, List<Sink> sinks) {
        this.service = service;
        this.tag = tag;
        this.sinks = List.copyOf(sinks);
    }

    /** Whether any target would take a line of this level (lets callers skip formatting). */
    public boolean enabled(Level level) {
        for (Sink s : sinks) {
            if (level.code() <= s.target().level().code()) {
                return true;
            }
        }
        return false;
    }

    public void log(Level level, String message) {
        long now = System.currentTimeMillis();
        for (Sink s : sinks) {
            LogTarget t = s.target();
            if (level.code() > t.level().code()) {
                continue;
            }
            Level sent = level.code() < t.minLevel().code() ? t.minLevel() : level;
            service.offer(new LogService.Event(t, s.sender(), sent, now, tag, message));
        }
    }
}
