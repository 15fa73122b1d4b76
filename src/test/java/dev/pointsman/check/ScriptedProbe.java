package dev.pointsman.check;

import dev.pointsman.net.Cancellable;
import dev.pointsman.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/** A probe the test completes by hand; it records when runs start and which were cancelled. */
final class ScriptedProbe implements Probe {
    private final ManualScheduler scheduler;
    final List<Duration> startedAt = new ArrayList<>();
    private Consumer<ProbeOutcome> pending;
    int cancelled;

    ScriptedProbe(ManualScheduler scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Cancellable start(Consumer<ProbeOutcome> done) {
        startedAt.add(Duration.ofNanos(scheduler.nanoTime()));
        pending = done;
        return () -> {
            cancelled++;
            pending = null;
        };
    }

    boolean inFlight() {
        return pending != null;
    }

    void complete(CheckStatus status) {
        complete(new ProbeOutcome(CheckResult.of(status, status.passed() ? 200 : 503,
                status.passed() ? "" : "Service Unavailable", Duration.ofMillis(2)), false, java.util.Optional.empty()));
    }

    void complete(ProbeOutcome outcome) {
        Consumer<ProbeOutcome> done = pending;
        if (done == null) {
            throw new IllegalStateException("no probe in flight");
        }
        pending = null;
        done.accept(outcome);
        scheduler.runPending();
    }
}
