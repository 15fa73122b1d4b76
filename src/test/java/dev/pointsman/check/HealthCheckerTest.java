package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.testing.ManualScheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HealthCheckerTest {
    private static final Duration INTER = Duration.ofSeconds(3);
    private static final Duration FAST = Duration.ofSeconds(1);
    private static final Duration DOWNINTER = Duration.ofSeconds(5);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<CheckReport> reports = new ArrayList<>();

    private static ServerConfig server(String name) {
        return TestConfigs.server(name, new InetSocketAddress("127.0.0.1", 8008), INTER, Optional.of(FAST),
                Optional.of(DOWNINTER), 2, 3, false, true);
    }

    private HealthChecker checker(String name, ScriptedProbe probe, int index, int count) {
        return new HealthChecker("primary", server(name), probe, scheduler, reports::add,
                CheckIntervals.firstDelay(INTER, index, count));
    }

    @Test
    void firstChecksAreStaggeredAcrossTheServersOfABackend() {
        // Given three servers of one backend, inter 3s
        List<ScriptedProbe> probes = List.of(new ScriptedProbe(scheduler), new ScriptedProbe(scheduler),
                new ScriptedProbe(scheduler));
        for (int i = 0; i < 3; i++) {
            checker("pg-" + (i + 1), probes.get(i), i, 3).start();
        }

        // When time passes
        scheduler.advance(Duration.ofSeconds(2));

        // Then server i first ran at inter*i/n
        assertThat(probes).extracting(p -> p.startedAt).containsExactly(
                List.of(Duration.ZERO), List.of(Duration.ofSeconds(1)), List.of(Duration.ofSeconds(2)));
    }

    @Test
    void startUpWithNothingUsableKeepsEveryServerDown() {
        // Given three servers that all start DOWN and all fail their checks
        List<ScriptedProbe> probes = new ArrayList<>();
        List<HealthChecker> checkers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            ScriptedProbe p = new ScriptedProbe(scheduler);
            probes.add(p);
            checkers.add(checker("pg-" + (i + 1), p, i, 3));
        }

        // Then before any check nothing is UP
        assertThat(checkers).allSatisfy(c -> {
            assertThat(c.state().state()).isEqualTo(OperationalState.DOWN);
            assertThat(c.state().checked()).isFalse();
        });

        // When every first check fails
        checkers.forEach(HealthChecker::start);
        scheduler.advance(Duration.ofSeconds(2));
        probes.forEach(p -> p.complete(CheckStatus.L4CON));

        // Then they are all still DOWN, no report says CHANGED, and they are now fully down
        assertThat(reports).hasSize(3).allSatisfy(r -> {
            assertThat(r.transition()).isEqualTo(Transition.UNCHANGED);
            assertThat(r.current()).isEqualTo(OperationalState.DOWN);
            assertThat(r.state().fullyDown()).isTrue();
        });
    }

    @Test
    void neverCheckedServerUsesFastinterThenStableIntervals() {
        // Given a single server
        ScriptedProbe probe = new ScriptedProbe(scheduler);
        checker("pg-1", probe, 0, 1).start();
        scheduler.runPending();

        // When its first check passes Then it is UP at once (init-state down) and rechecked after inter
        probe.complete(CheckStatus.L7OK);
        assertThat(reports.get(0).changed()).isTrue();
        assertThat(reports.get(0).previous()).isEqualTo(OperationalState.DOWN);
        assertThat(reports.get(0).current()).isEqualTo(OperationalState.UP);
        assertThat(scheduler.nextDelay()).isEqualTo(INTER);

        // When a check fails Then it is going down (PENDING) and rechecked at fastinter
        scheduler.advance(INTER);
        probe.complete(CheckStatus.L7STS);
        assertThat(reports.get(1).transition()).isEqualTo(Transition.PENDING);
        assertThat(scheduler.nextDelay()).isEqualTo(FAST);

        // When two more fail Then it is DOWN and rechecked at downinter
        scheduler.advance(FAST);
        probe.complete(CheckStatus.L7STS);
        scheduler.advance(FAST);
        probe.complete(CheckStatus.L7STS);
        assertThat(reports.get(3).changed()).isTrue();
        assertThat(reports.get(3).current()).isEqualTo(OperationalState.DOWN);
        assertThat(scheduler.nextDelay()).isEqualTo(DOWNINTER);
    }

    @Test
    void fastDemoteForcesDownOnOneCheck() {
        ScriptedProbe probe = new ScriptedProbe(scheduler);
        checker("pg-1", probe, 0, 1).start();
        scheduler.runPending();
        probe.complete(CheckStatus.L7OK);
        scheduler.advance(INTER);

        // When a definitive "I am a replica" 503 arrives
        probe.complete(new ProbeOutcome(CheckResult.of(CheckStatus.L7STS, 503, "Service Unavailable",
                Duration.ofMillis(2)), true, Optional.empty()));

        // Then the server is DOWN at once, without waiting for fall (3)
        CheckReport last = reports.get(reports.size() - 1);
        assertThat(last.changed()).isTrue();
        assertThat(last.forcedDown()).isTrue();
        assertThat(last.state().health()).isZero();
    }

    @Test
    void atMostOneProbeIsInFlightAndCheckNowFollowsIt() {
        ScriptedProbe probe = new ScriptedProbe(scheduler);
        HealthChecker checker = checker("pg-1", probe, 0, 1);
        checker.start();
        scheduler.runPending();
        assertThat(probe.startedAt).hasSize(1);

        // When checkNow is asked twice while a probe is in flight
        checker.checkNow();
        checker.checkNow();
        scheduler.runPending();

        // Then no second probe starts until the first completes, and then exactly one follows at once
        assertThat(probe.startedAt).hasSize(1);
        probe.complete(CheckStatus.L7OK);
        assertThat(probe.startedAt).hasSize(2);
        assertThat(probe.startedAt.get(1)).isEqualTo(Duration.ZERO);
    }

    @Test
    void checkNowRunsImmediatelyWhenIdle() {
        ScriptedProbe probe = new ScriptedProbe(scheduler);
        HealthChecker checker = checker("pg-1", probe, 2, 3);
        checker.start();
        checker.checkNow();
        scheduler.runPending();
        assertThat(probe.startedAt).containsExactly(Duration.ZERO);
    }

    @Test
    void hurryChecksNowThenAtFastinterUntilTheWindowEnds() {
        // Given a fully DOWN server (downinter 5s)
        ScriptedProbe probe = new ScriptedProbe(scheduler);
        HealthChecker checker = checker("pg-2", probe, 0, 1);
        checker.start();
        scheduler.runPending();
        probe.complete(CheckStatus.L7STS);
        assertThat(scheduler.nextDelay()).isEqualTo(DOWNINTER);

        // When the runtime hurries it for 1.5s (a sibling just changed state)
        checker.hurry(Duration.ofMillis(1500));
        scheduler.runPending();

        // Then it checks at once and then at fastinter, at most 250 ms, while the window lasts,
        // then at downinter again
        assertThat(probe.startedAt).hasSize(2);
        probe.complete(CheckStatus.L7STS);
        Duration hurry = CheckIntervals.HURRY;
        int hurried = 0;
        while (scheduler.nextDelay().equals(hurry) && hurried < 20) {
            scheduler.advance(hurry);
            probe.complete(CheckStatus.L7STS);
            hurried++;
        }
        assertThat(hurried).isEqualTo(6);
        assertThat(scheduler.nextDelay()).isEqualTo(DOWNINTER);
    }

    @Test
    void whileItsBackendHasNoUsableServerAServerIsCheckedAtTheHurriedPaceHoweverLongThatLasts() {
        // Given a fully DOWN server whose backend has nothing usable (a primary pool without a
        // primary, e.g. while etcd is down and Patroni demoted the leader)
        java.util.concurrent.atomic.AtomicBoolean empty = new java.util.concurrent.atomic.AtomicBoolean(true);
        ScriptedProbe probe = new ScriptedProbe(scheduler);
        HealthChecker checker = checker("pg-1", probe, 0, 1);
        checker.hurryWhile(empty::get);
        checker.start();
        scheduler.runPending();

        // When it keeps failing for a minute, far past any reaction window
        int checks = 0;
        long start = scheduler.nanoTime();
        while (scheduler.nanoTime() - start < Duration.ofMinutes(1).toNanos() && checks < 1000) {
            probe.complete(CheckStatus.L7STS);
            scheduler.advance(scheduler.nextDelay());
            checks++;
        }

        // Then every check followed the previous one after the hurried interval
        assertThat(checks).isEqualTo((int) (Duration.ofMinutes(1).toMillis() / CheckIntervals.HURRY.toMillis()));
        // and once the backend has a usable server again, downinter applies
        empty.set(false);
        probe.complete(CheckStatus.L7STS);
        assertThat(scheduler.nextDelay()).isEqualTo(DOWNINTER);
    }

    @Test
    void closeCancelsTheProbeInFlightAndStopsTheLoop() {
        ScriptedProbe probe = new ScriptedProbe(scheduler);
        HealthChecker checker = checker("pg-1", probe, 0, 1);
        checker.start();
        scheduler.runPending();

        checker.close();
        scheduler.runPending();

        assertThat(probe.cancelled).isEqualTo(1);
        scheduler.advance(Duration.ofMinutes(1));
        assertThat(probe.startedAt).hasSize(1);
        assertThat(reports).isEmpty();
    }

    @Test
    void listenerFailureDoesNotStopTheLoop() {
        ScriptedProbe probe = new ScriptedProbe(scheduler);
        HealthChecker checker = new HealthChecker("primary", server("pg-1"), probe, scheduler, r -> {
            throw new IllegalStateException("boom");
        }, Duration.ZERO);
        checker.start();
        scheduler.runPending();
        probe.complete(CheckStatus.L7OK);
        scheduler.advance(INTER);
        assertThat(probe.startedAt).hasSize(2);
        assertThat(checker.state().up()).isTrue();
    }

    @Test
    void serversWithoutCheckGetNoCheckerAndDisabledOnesGetOneForWhenTheyAreEnabled() {
        ServerConfig disabled = TestConfigs.server("pg-1", new InetSocketAddress("127.0.0.1", 1), INTER,
                Optional.empty(), Optional.empty(), 2, 3, true, true);
        ServerConfig unchecked = TestConfigs.server("pg-2", new InetSocketAddress("127.0.0.1", 1), INTER,
                Optional.empty(), Optional.empty(), 2, 3, false, false);
        var backend = TestConfigs.backend("primary", HealthCheck.DEFAULT, TestConfigs.timeouts(null, null),
                List.of(disabled, unchecked));
        try (ProbeHarness harness = new ProbeHarness();
             CheckEnvironment env = CheckEnvironment.create(harness.group,
                     io.netty.channel.socket.nio.NioSocketChannel.class)) {
            // the runtime starts it when the admin API first takes the server out of maintenance
            HealthChecker dormant = HealthChecker.forServer(backend, disabled, 0, 2, env, reports::add).orElseThrow();
            dormant.close();
            assertThat(HealthChecker.forServer(backend, unchecked, 1, 2, env, reports::add)).isEmpty();
        }
    }
}
