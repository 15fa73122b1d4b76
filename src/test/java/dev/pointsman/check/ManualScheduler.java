package dev.pointsman.check;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.Queue;

/** A single-threaded scheduler whose clock only moves when the test says so. */
final class ManualScheduler implements CheckScheduler {
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
    public Probe.Cancellable schedule(Runnable task, Duration delay) {
        boolean[] cancelled = {false};
        timed.add(new Timed(now + delay.toNanos(), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(Runnable task) {
        ready.add(task);
    }

    /** Runs what is ready now, including what that schedules for now. */
    void runPending() {
        advance(Duration.ZERO);
    }

    void advance(Duration d) {
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
    Duration nextDelay() {
        return timed.stream().filter(t -> !t.cancelled()[0]).findFirst()
                .map(t -> Duration.ofNanos(t.at() - now)).orElse(null);
    }
}
