package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.AsyncAppender;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;

class LogProviderTest {

    @Test
    void setsLoggingUpAsLogbackSetupDoesWithoutLogbacksInitializer() {
        LogProvider provider = new LogProvider(new LogbackSetup(Map.of("POINTSMAN_LOG_LEVEL", "WARN")::get));
        provider.initialize();
        LoggerContext context = (LoggerContext) provider.getLoggerFactory();
        try {
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.WARN);
            assertThat(root.getAppender("ASYNC")).isInstanceOf(AsyncAppender.class);
            assertThat(context.isStarted()).isTrue();
            assertThat(provider.getMDCAdapter()).isNotNull();
            assertThat(provider.getMarkerFactory().getMarker("m").getName()).isEqualTo("m");
        } finally {
            context.stop();
        }
    }

    @Test
    void aConfigurationFileThatExistsIsReadByLogback(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("logback.xml"), """
                <configuration>
                  <appender name="FROM_FILE" class="ch.qos.logback.core.read.ListAppender"/>
                  <root level="ERROR"><appender-ref ref="FROM_FILE"/></root>
                </configuration>
                """);
        String before = System.getProperty("logback.configurationFile");
        System.setProperty("logback.configurationFile", file.toString());
        LoggerContext context = null;
        try {
            LogProvider provider = new LogProvider(new LogbackSetup(Map.of("logback.configurationFile", file.toString())::get));
            provider.initialize();
            context = (LoggerContext) provider.getLoggerFactory();
            ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
            assertThat(root.getLevel()).isEqualTo(Level.ERROR);
            assertThat(root.getAppender("FROM_FILE")).isNotNull();
            assertThat(root.getAppender("ASYNC")).isNull();
        } finally {
            if (before == null) {
                System.clearProperty("logback.configurationFile");
            } else {
                System.setProperty("logback.configurationFile", before);
            }
            if (context != null) {
                context.stop();
            }
        }
    }
}
