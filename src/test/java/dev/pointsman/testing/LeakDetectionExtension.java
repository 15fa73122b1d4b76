package dev.pointsman.testing;

import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class after which Netty reports a leaked buffer, with the leak's records (where it
 * was created and last touched). Registered for every test class by JUnit's extension
 * autodetection (src/test/resources/junit-platform.properties and META-INF/services); loading it
 * installs the recording detector ({@link LeakDetection#install}) before any test class runs.
 *
 * <p>After each class, detection is forced and any report recorded since the previous class
 * fails this one. A leak is seen only once its buffer is garbage-collected, so a buffer still
 * referenced at the end of a class (a static, a thread still running) is found after a later
 * one: the records say where it came from.
 */
public final class LeakDetectionExtension implements BeforeAllCallback, AfterAllCallback {
    static {
        LeakDetection.install();
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        LeakDetection.install();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        check(context.getRequiredTestClass().getName());
    }

    /** Forces detection; throws an AssertionError carrying every report when Netty reported a leak. */
    public static void check(String after) {
        List<String> reports = LeakDetection.collect();
        if (!reports.isEmpty()) {
            throw new AssertionError("Netty reported " + reports.size() + " leak(s) after " + after
                    + " (the records say where each buffer was created and last touched):\n"
                    + String.join("\n\n", reports));
        }
    }
}
