package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.time.ZoneId;
import java.util.TimeZone;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class LineLayoutTest {

    private static String both(LoggingEvent event, String zone) {
        LoggerContext context = new LoggerContext();
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(LogbackSetup.PATTERN.replace("XXX}", "XXX, " + zone + "}"));
        pattern.start();
        LineLayout line = new LineLayout(ZoneId.of(zone));
        line.setContext(context);
        line.start();
        String expected = pattern.doLayout(event);
        assertThat(line.doLayout(event)).isEqualTo(expected);
        return expected;
    }

    private static LoggingEvent event(Level level, String logger, Throwable thrown, String message, Object... args) {
        LoggerContext context = new LoggerContext();
        Logger l = context.getLogger(logger);
        LoggingEvent e = new LoggingEvent(Logger.class.getName(), l, level, message, thrown, args);
        e.setTimeStamp(1_764_615_000_123L);
        e.setThreadName("pointsman-1-2");
        return e;
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC", "Europe/Paris", "America/St_Johns"})
    void writesWhatLogbacksPatternMakesOfTheSamePattern(String zone) {
        assertThat(both(event(Level.INFO, "pointsman", null, "Proxy {} started", "primary"), zone))
                .endsWith(" INFO  [pointsman-1-2] pointsman: Proxy primary started" + System.lineSeparator());
        both(event(Level.WARN, "dev.pointsman.check.HealthWiring", null, "no args, {} left open"), zone);
        both(event(Level.ERROR, "access", null, ""), zone);
        both(event(Level.DEBUG, "a.b.", null, "empty last part"), zone);
    }

    @ParameterizedTest
    @ValueSource(strings = {"UTC"})
    void writesTheStackTraceAfterTheLineAsLogbackDoes(String zone) {
        IOException cause = new IOException("connection reset");
        IllegalStateException thrown = new IllegalStateException("boom", cause);
        thrown.addSuppressed(new RuntimeException("suppressed"));

        String out = both(event(Level.ERROR, "pointsman", thrown, "failed: {}", "x"), zone);
        assertThat(out).contains("java.lang.IllegalStateException: boom", "Caused by: java.io.IOException: connection reset",
                "Suppressed: java.lang.RuntimeException: suppressed");
    }
}
