package dev.pointsman.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.platform.testkit.engine.EngineExecutionResults;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Event;

/** The leak check itself: a leaked pooled buffer must fail its class, a released one must not. */
class LeakDetectionExtensionTest {
    /** The fixture classes below act only when run from here, never by Surefire's own run. */
    static final AtomicBoolean FROM_KIT = new AtomicBoolean();

    @Test
    void testJvmRunsWithParanoidLeakDetection() {
        assertThat(ResourceLeakDetector.getLevel()).isEqualTo(ResourceLeakDetector.Level.PARANOID);
    }

    @Test
    void classThatLeaksAPooledBufferFailsWithTheLeakRecordsThoughItsTestsPassed() {
        // Given a test class whose test drops a pooled buffer without releasing it
        // When JUnit runs it with this project's configuration (autodetected extensions)
        EngineExecutionResults results = run(LeaksAPooledBuffer.class);

        // Then its test passed but the class failed, with Netty's LEAK report naming where the buffer came from
        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        List<Event> failed = results.containerEvents().failed().list();
        assertThat(failed).hasSize(1);
        Throwable cause = failed.get(0).getPayload(org.junit.platform.engine.TestExecutionResult.class)
                .flatMap(org.junit.platform.engine.TestExecutionResult::getThrowable).orElseThrow();
        assertThat(cause).isInstanceOf(AssertionError.class)
                .hasMessageContaining("Netty reported 1 leak(s) after " + LeaksAPooledBuffer.class.getName())
                .hasMessageContaining("LEAK: ByteBuf.release() was not called")
                .hasMessageContaining("dropsAPooledBufferWithoutReleasingIt")
                .hasMessageContaining("leaked on purpose");
    }

    @Test
    void classThatReleasesEveryBufferPasses() {
        EngineExecutionResults results = run(ReleasesEveryBuffer.class);

        results.testEvents().assertStatistics(s -> s.started(1).succeeded(1).failed(0));
        results.containerEvents().assertStatistics(s -> s.failed(0));
    }

    @Test
    void checkThrowsForALeakAndThenHasNothingLeft() {
        // Given a leaked pooled buffer, its reference dropped
        leak();

        // When the check runs, then it fails with the report; a second check finds nothing more
        assertThatThrownBy(() -> LeakDetectionExtension.check("this test"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("ByteBuf.release() was not called");
        assertThatCode(() -> LeakDetectionExtension.check("this test")).doesNotThrowAnyException();
    }

    private static void leak() {
        ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
        b.writeLong(System.nanoTime());
        b.touch("dropped by checkThrowsForALeakAndThenHasNothingLeft");
    }

    private static EngineExecutionResults run(Class<?> fixture) {
        FROM_KIT.set(true);
        try {
            return EngineTestKit.engine("junit-jupiter").enableImplicitConfigurationParameters(true)
                    .selectors(selectClass(fixture)).execute();
        } finally {
            FROM_KIT.set(false);
        }
    }

    static class LeaksAPooledBuffer {
        @Test
        void dropsAPooledBufferWithoutReleasingIt() {
            assumeTrue(FROM_KIT.get());
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
            b.writeLong(42);
            b.touch("leaked on purpose by LeakDetectionExtensionTest");
        }
    }

    static class ReleasesEveryBuffer {
        @Test
        void releasesItsBuffer() {
            assumeTrue(FROM_KIT.get());
            ByteBuf b = PooledByteBufAllocator.DEFAULT.directBuffer(64);
            b.writeLong(42);
            b.release();
        }
    }
}
