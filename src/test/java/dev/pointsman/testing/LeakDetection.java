package dev.pointsman.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.lang.ref.Reference;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Netty's leak detector, recording: every {@code LEAK:} report of this JVM is kept (and still
 * logged) until {@link #collect} hands it over. {@link #install} must run before Netty creates its
 * detectors (when {@code AbstractByteBuf} is initialised), which {@link LeakDetectionExtension} does
 * when JUnit loads it, before any test class runs. Without {@code -Dio.netty.leakDetection.level}
 * (an IDE run) it sets the level to paranoid: every buffer is tracked, with where it was touched.
 *
 * <p>A leak is reported only once its buffer has been garbage-collected and the detector next looks
 * at its reference queue, which it does when it tracks a new buffer; {@link #collect} forces both.
 */
public final class LeakDetection {
    static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";
    private static final int ROUNDS = 3;
    private static final long GC_WAIT_MILLIS = 500;
    private static final Queue<String> REPORTS = new ConcurrentLinkedQueue<>();
    private static boolean installed;

    private LeakDetection() {}

    /** Installs the recording detector factory once per JVM. */
    public static synchronized void install() {
        if (installed) {
            return;
        }
        if (System.getProperty(LEVEL_PROPERTY) == null) {
            ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
        }
        ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
        installed = true;
    }

    /**
     * Makes the detector report what has leaked so far (a garbage collection, then tracked
     * allocations so it reads its reference queue; bounded rounds), and returns the reports
     * recorded since the last call, oldest first.
     */
    public static List<String> collect() {
        for (int round = 0; round < ROUNDS && REPORTS.isEmpty(); round++) {
            boolean collected = gc();
            poll();
            Thread.yield(); // the reference handler may still be enqueuing the same collection's references
            poll();
            if (collected) {
                break;
            }
        }
        List<String> drained = new ArrayList<>();
        for (String r; (r = REPORTS.poll()) != null; ) {
            drained.add(r);
        }
        return drained;
    }

    /** One full collection; true once a weak reference it cleared has been enqueued. */
    private static boolean gc() {
        ReferenceQueue<Object> queue = new ReferenceQueue<>();
        WeakReference<Object> canary = new WeakReference<>(new Object(), queue);
        System.gc();
        try {
            Reference<?> done = queue.remove(GC_WAIT_MILLIS);
            return done == canary;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Tracked allocations: each one makes the buffers' detector (one for every ByteBuf, whatever its
     * allocator) read its reference queue. Below paranoid only one allocation in 128 is tracked.
     */
    private static void poll() {
        int n = ResourceLeakDetector.getLevel() == ResourceLeakDetector.Level.PARANOID ? 1 : 256;
        for (int i = 0; i < n; i++) {
            ByteBuf b = PooledByteBufAllocator.DEFAULT.buffer(1);
            b.release();
        }
    }

    private static final class RecordingFactory extends ResourceLeakDetectorFactory {
        @Override
        @SuppressWarnings("deprecation")
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval,
                                                                 long maxActive) {
            return new Recording<>(resource, samplingInterval);
        }

        @Override
        public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
            return new Recording<>(resource, samplingInterval);
        }
    }

    /** Netty's detector, reporting whether or not its logger is enabled, and recording each report. */
    private static final class Recording<T> extends ResourceLeakDetector<T> {
        Recording(Class<?> resource, int samplingInterval) {
            super(resource, samplingInterval);
        }

        @Override
        protected boolean needReport() {
            return true;
        }

        @Override
        protected void reportTracedLeak(String resourceType, String records) {
            REPORTS.add("LEAK: " + resourceType + ".release() was not called before it's garbage-collected." + records);
            super.reportTracedLeak(resourceType, records);
        }

        @Override
        protected void reportUntracedLeak(String resourceType) {
            REPORTS.add("LEAK: " + resourceType + ".release() was not called before it's garbage-collected"
                    + " (untraced: run with -D" + LEVEL_PROPERTY + "=paranoid to see where it was touched)");
            super.reportUntracedLeak(resourceType);
        }
    }
}
