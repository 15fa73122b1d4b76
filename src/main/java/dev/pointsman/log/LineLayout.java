package dev.pointsman.log;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Pointsman's log line, written directly: what logback's {@code PatternLayout} makes of
 * {@link LogbackSetup#PATTERN} ({@code %d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread]
 * %logger{0}: %msg%n}, and the stack trace after the line when the event has one), without
 * the pattern's parser and converters: about 140 classes and 20 ms fewer at start-up
 * (docs/BENCHMARKS.md). Called by the asynchronous appender's one thread; any thread may call it:
 * the formatter is immutable, and two threads that meet at the first line each make one, harmlessly.
 */
final class LineLayout extends LayoutBase<ILoggingEvent> {
    /** The zone of the timestamps; null for the system's, read at the first line. */
    private final ZoneId zone;
    /**
     * Made at the first line, on the appender's thread: reading the system's time zone takes about
     * 10 ms, which would otherwise be spent by the main thread before the first connection is served.
     */
    private DateTimeFormatter time;

    LineLayout(ZoneId zone) {
        this.zone = zone;
    }

    LineLayout() {
        this(null);
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        if (time == null) {
            time = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX").withZone(zone != null ? zone : ZoneId.systemDefault());
        }
        StringBuilder line = new StringBuilder(128);
        time.formatTo(Instant.ofEpochMilli(event.getTimeStamp()), line);
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(" [").append(event.getThreadName()).append("] ");
        String logger = event.getLoggerName();
        line.append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(": ");
        line.append(event.getFormattedMessage()).append(CoreConstants.LINE_SEPARATOR);
        IThrowableProxy thrown = event.getThrowableProxy();
        if (thrown != null) {
            line.append(ThrowableProxyUtil.asString(thrown)); // ends with a line separator
        }
        return line.toString();
    }
}
