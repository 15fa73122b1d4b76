package dev.pointsman.log;

import ch.qos.logback.classic.AsyncAppender;
import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ConfiguratorRank;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.net.MalformedURLException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * Pointsman's own logging, set up in code rather than from an XML file: logback's XML
 * configuration loads about 400 classes (its model, actions and the JDK's XML parser) and was a
 * third of the start-up time before the first connection could be served.
 *
 * <p>Messages go to stderr through an asynchronous appender that never blocks the caller
 * (8192 lines queued, none discarded below that); {@code io.netty} logs at WARN; the
 * {@code access} logger (one line per finished session) is off unless {@code POINTSMAN_ACCESS_LOG}
 * names a level; the root level is {@code POINTSMAN_LOG_LEVEL} (default INFO). Each is read as a
 * system property first, then from the environment, as logback's {@code ${NAME:-default}} did.
 * A file given with {@code -Dlogback.configurationFile} is used instead, by logback itself, when
 * it exists (a URL, a classpath resource or a readable file); one that does not is ignored.
 */
@ConfiguratorRank(ConfiguratorRank.CUSTOM_HIGH_PRIORITY)
public final class LogbackSetup extends ContextAwareBase implements Configurator {
    /** The line {@link LineLayout} writes, in logback's pattern language (for a {@code logback.xml} that wants the same). */
    static final String PATTERN = "%d{yyyy-MM-dd'T'HH:mm:ss.SSSXXX} %-5level [%thread] %logger{0}: %msg%n";

    private final UnaryOperator<String> variables;

    public LogbackSetup() {
        this(name -> {
            String v = System.getProperty(name);
            return v != null ? v : System.getenv(name);
        });
    }

    LogbackSetup(UnaryOperator<String> variables) {
        this.variables = variables;
    }

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (configurationFileExists(variables.apply("logback.configurationFile"))) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        LineLayout layout = new LineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();

        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        AsyncAppender async = new AsyncAppender();
        async.setContext(context);
        async.setName("ASYNC");
        async.setQueueSize(8192);
        async.setDiscardingThreshold(0);
        async.setNeverBlock(true);
        async.addAppender(stderr);
        async.start();

        context.getLogger("io.netty").setLevel(Level.WARN);
        context.getLogger("access").setLevel(level("POINTSMAN_ACCESS_LOG", Level.OFF));
        ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(level("POINTSMAN_LOG_LEVEL", Level.INFO));
        root.addAppender(async);
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /**
     * Whether logback would find the file {@code -Dlogback.configurationFile} names, read as logback
     * reads it: a URL, else a classpath resource, else a file. One it cannot find would leave
     * logback's basic configuration (root DEBUG to stdout, synchronous), so Pointsman's own stays.
     */
    private static boolean configurationFileExists(String name) {
        if (name == null || name.isBlank()) {
            return false;
        }
        try {
            URL url = new URL(name.trim());
            if (!"file".equals(url.getProtocol())) {
                return true; // logback opens it; reachability is its business, as before
            }
            return Files.isReadable(Path.of(url.toURI()));
        } catch (MalformedURLException | URISyntaxException | IllegalArgumentException e) {
            // not a URL: a classpath resource or a file
        }
        ClassLoader loader = LogbackSetup.class.getClassLoader();
        if (loader != null && loader.getResource(name.trim()) != null) {
            return true;
        }
        try {
            Path file = Path.of(name.trim());
            return Files.isRegularFile(file) && Files.isReadable(file);
        } catch (InvalidPathException e) {
            return false;
        }
    }

    /** The level a variable names (logback's reading: an unknown name is DEBUG), or {@code otherwise} when unset. */
    private Level level(String variable, Level otherwise) {
        String v = variables.apply(variable);
        return v == null || v.isBlank() ? otherwise : Level.toLevel(v.trim(), Level.DEBUG);
    }
}
