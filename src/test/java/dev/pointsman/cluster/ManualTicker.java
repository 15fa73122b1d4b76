package dev.pointsman.cluster;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** A ticker driven by the test: tasks run only in {@link #advance} / {@link #runPending}. */
final class ManualTicker implements Ticker {
    private record Task(long at, long seq, Runnable run, boolean[] cancelled) {}

    private final List<Task> tasks = new ArrayList<>();
    private long now;
    private long seq;

    @Override
    public long nanoTime() {
        return now;
    }

    @Override
    public long epochMillis() {
        return 1_800_000_000_000L + now / 1_000_000;
    }

    @Override
    public HttpClient.Cancellable schedule(Runnable task, Duration delay) {
        boolean[] cancelled = {false};
        tasks.add(new Task(now + delay.toNanos(), seq++, task, cancelled));
        return () -> cancelled[0] = true;
    }

    @Override
    public void execute(Runnable task) {
        schedule(task, Duration.ZERO);
    }

    void runPending() {
        advance(Duration.ZERO);
    }

    /** Moves time forward, running every task due on the way, in order. */
    void advance(Duration d) {
        long end = now + d.toNanos();
        while (true) {
            Task next = tasks.stream().filter(t -> t.at() <= end)
                    .min(Comparator.comparingLong(Task::at).thenComparingLong(Task::seq)).orElse(null);
            if (next == null) {
                break;
            }
            tasks.remove(next);
            now = Math.max(now, next.at());
            if (!next.cancelled()[0]) {
                next.run().run();
            }
        }
        now = end;
    }
}
