package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class LogbackSetupTest {

    private static LoggerContext configured(Map<String, String> variables, ExecutionStatus expected) {
        LoggerContext context = new LoggerContext();
        LogbackSetup setup = new LogbackSetup(variables::get);
        setup.setContext(context);
        assertThat(setup.configure(context)).isEqualTo(expected);
        return context;
    }

    @Test
    void byDefaultInfoGoesToStderrThroughANonBlockingQueueAndAccessLinesAreOff() {
        LoggerContext context = configured(Map.of(), ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        assertThat(root.getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("access").getLevel()).isEqualTo(Level.OFF);
        AsyncAppender async = (AsyncAppender) root.getAppender("ASYNC");
        assertThat(async.isStarted()).isTrue();
        assertThat(async.getQueueSize()).isEqualTo(8192);
        assertThat(async.getDiscardingThreshold()).isZero();
        assertThat(async.isNeverBlock()).isTrue();
        ConsoleAppender<ILoggingEvent> stderr = (ConsoleAppender<ILoggingEvent>) async.getAppender("STDERR");
        assertThat(stderr.getTarget()).isEqualTo("System.err");
        assertThat(((LayoutWrappingEncoder<ILoggingEvent>) stderr.getEncoder()).getLayout()).isInstanceOf(LineLayout.class);
        context.stop();
    }

    @Test
    void environmentSetsTheRootAndAccessLevels() {
        LoggerContext context = configured(Map.of("POINTSMAN_LOG_LEVEL", "WARN", "POINTSMAN_ACCESS_LOG", "INFO"),
                ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("access").getLevel()).isEqualTo(Level.INFO);
        context.stop();
    }

    @Test
    void anUnknownLevelNameReadsAsDebugAsLogbackReadsIt() {
        LoggerContext context = configured(Map.of("POINTSMAN_LOG_LEVEL", "chatty"), ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
        context.stop();
    }

    @Test
    void aConfigurationFileGivenOnTheCommandLineIsLeftToLogback(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("logback.xml"), "<configuration/>\n");
        LoggerContext context = configured(Map.of("logback.configurationFile", file.toString()),
                ExecutionStatus.INVOKE_NEXT_IF_ANY);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC")).isNull();
        context.stop();
    }

    @Test
    void aConfigurationFileUrlOrClasspathResourceIsLeftToLogback(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("logback.xml"), "<configuration/>\n");

        configured(Map.of("logback.configurationFile", file.toUri().toString()), ExecutionStatus.INVOKE_NEXT_IF_ANY).stop();
        configured(Map.of("logback.configurationFile", "dev/pointsman/log/LogbackSetupTest.class"),
                ExecutionStatus.INVOKE_NEXT_IF_ANY).stop();
    }

    @Test
    void aConfigurationFileThatDoesNotExistKeepsPointsmansOwnSetup() {
        // deferring here would leave logback's BasicConfigurator: root DEBUG, stdout, synchronous
        LoggerContext context = configured(Map.of("logback.configurationFile", "/nonexistent/logback.xml"),
                ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY);

        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender("ASYNC")).isNotNull();
        context.stop();
    }
}
