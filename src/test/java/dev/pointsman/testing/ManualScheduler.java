package dev.pointsman.testing;

import dev.pointsman.net.Cancellable;
import dev.pointsman.net.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;

/**
 * A single-threaded {@link Scheduler} whose clock only moves when the test says so: tasks run only
 * in {@link #advance} and {@link #runPending}, on the test's thread. As on an event loop, what was
 * {@link #execute executed} runs before the timers that are due.
 */
public final class ManualScheduler implements Scheduler {
    /** The wall clock at nanoTime 0. */
    public static final long EPOCH_MILLIS = 1_800_000_000_000L;

    private long now;
    private long seq;
    private final Queue<Runnable> ready = new ArrayDeque<>();
    private final PriorityQueue<Timed> timed =
            new PriorityQueue<>(Comparator.comparingLong(Timed::at).thenComparingLong(Timed::seq));

    private record Timed(long at, long seq, Runnable task, boolean[] cancelled) {}

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public long epochMillis() {
        return EPOCH_MILLIS + now / 1_000_000;
    }

    @Override
    public Cancellable schedule(Runnable task, Duration delay) {
        boolean[] cancelled = {false};
        timed.add(new Timed(now + delay.toNanos(), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    /** Runs what is ready now, including what that schedules for now. */
    public void runPending() {
        advance(Duration.ZERO);
    }

    /** Moves time forward by {@code d}, running every task due on the way, in order. */
    public void advance(Duration d) {
        long until = now + d.toNanos();
        while (true) {
            Runnable r = ready.poll();
            if (r != null) {
                r.run();
                continue;
            }
            Timed t = timed.peek();
            if (t == null || t.at() > until) {
                break;
            }
            timed.poll();
            now = Math.max(now, t.at());
            if (!t.cancelled()[0]) {
                t.task().run();
            }
        }
        now = until;
    }

    /** When the next live timer fires, relative to now; null when none. */
    public Duration nextDelay() {
        return timed.stream().filter(t -> !t.cancelled()[0]).min(timed.comparator())
                .map(t -> Duration.ofNanos(t.at() - now)).orElse(null);
    }
}
