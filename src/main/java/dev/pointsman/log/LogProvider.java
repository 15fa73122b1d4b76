package dev.pointsman.log;

import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator.ExecutionStatus;
import ch.qos.logback.classic.spi.LogbackServiceProvider;
import ch.qos.logback.classic.util.ContextInitializer;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter;
import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

/**
 * Logback for SLF4J, set up by {@link LogbackSetup} directly: bin/pointsman names this provider
 * ({@code -Dslf4j.provider}), which spares the start-up logback's own provider spends looking its
 * configurators up in the jar and reading their ranking annotations (about 20 ms before the first
 * connection can be served, docs/BENCHMARKS.md). A {@code -Dlogback.configurationFile} that exists
 * is read by logback's usual initializer, as with logback's provider. Without the property (tests,
 * an embedding application) SLF4J finds logback's provider, which runs {@link LogbackSetup} too.
 */
public final class LogProvider implements SLF4JServiceProvider {
    private final LoggerContext context = new LoggerContext();
    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final LogbackMDCAdapter mdc = new LogbackMDCAdapter();
    private final LogbackSetup setup;

    public LogProvider() {
        this(new LogbackSetup());
    }

    LogProvider(LogbackSetup setup) {
        this.setup = setup;
    }

    @Override
    public void initialize() {
        context.setName(CoreConstants.DEFAULT_CONTEXT_NAME);
        context.setMDCAdapter(mdc);
        setup.setContext(context);
        if (setup.configure(context) != ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY) {
            try {
                new ContextInitializer(context).autoConfig();
            } catch (JoranException e) {
                org.slf4j.helpers.Reporter.error("Failed to configure logging from logback.configurationFile", e);
            }
            StatusPrinter.printInCaseOfErrorsOrWarnings(context);
        }
        context.start();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return context;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return LogbackServiceProvider.REQUESTED_API_VERSION; // the SLF4J version logback is built against
    }
}
