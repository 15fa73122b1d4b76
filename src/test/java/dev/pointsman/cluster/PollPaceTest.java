package dev.pointsman.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.cluster.PollPace.Kind;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The poller's pacing, alone: times are plain nanoseconds. */
class PollPaceTest {
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final Duration CALM = Duration.ofSeconds(5);
    static final Duration WINDOW = Duration.ofSeconds(5);

    static long s(double seconds) {
        return (long) (seconds * 1e9);
    }

    @Test
    void withoutAWatchThePaceIsTheIntervalHoweverLongNothingHappens() {
        PollPace pace = new PollPace(INTERVAL, CALM, 0);

        assertThat(pace.kind(s(3600), false)).isEqualTo(Kind.NORMAL);
        assertThat(pace.next(s(3600), false)).isEqualTo(INTERVAL);
    }

    @Test
    void anEstablishedWatchSlowsThePaceOnlyOnceNothingHappenedForTheSettlePeriod() {
        PollPace pace = new PollPace(INTERVAL, CALM, 0);
        pace.watch(true, s(2), WINDOW);

        assertThat(pace.kind(s(2) + PollPace.SETTLE.toNanos() - 1, false)).isEqualTo(Kind.NORMAL);
        assertThat(pace.kind(s(2) + PollPace.SETTLE.toNanos(), false)).isEqualTo(Kind.CALM);
        assertThat(pace.next(s(60), false)).isEqualTo(CALM);
    }

    @Test
    void aHurryWhileCalmIsHurriedAtOnceAndTheCalmPaceReturnsOnlyAfterTheWindowAndTheSettlePeriod() {
        PollPace pace = new PollPace(INTERVAL, CALM, 0);
        pace.watch(true, 0, WINDOW);
        assertThat(pace.kind(s(20), false)).isEqualTo(Kind.CALM);

        pace.hurry(s(20), WINDOW); // the leader key moved

        assertThat(pace.next(s(20), false)).isEqualTo(Poller.HURRY_INTERVAL);
        assertThat(pace.kind(s(24.9), false)).isEqualTo(Kind.HURRIED);
        assertThat(pace.kind(s(25), false)).isEqualTo(Kind.NORMAL);
        assertThat(pace.kind(s(25) + PollPace.SETTLE.toNanos() - 1, false)).isEqualTo(Kind.NORMAL);
        assertThat(pace.kind(s(25) + PollPace.SETTLE.toNanos(), false)).isEqualTo(Kind.CALM);
    }

    @Test
    void aWatchGoingDownHurriesAndEndsTheCalmPace() {
        PollPace pace = new PollPace(INTERVAL, CALM, 0);
        pace.watch(true, 0, WINDOW);
        assertThat(pace.kind(s(30), false)).isEqualTo(Kind.CALM);

        pace.watch(false, s(30), WINDOW);

        assertThat(pace.kind(s(30), false)).isEqualTo(Kind.HURRIED);
        assertThat(pace.kind(s(35), false)).isEqualTo(Kind.NORMAL);
        assertThat(pace.kind(s(3600), false)).as("no calm pace without the watch").isEqualTo(Kind.NORMAL);
    }

    @Test
    void aViewWithoutAConfirmedLeaderIsPolledHurriedEvenWhenCalm() {
        PollPace pace = new PollPace(INTERVAL, CALM, 0);
        pace.watch(true, 0, WINDOW);

        assertThat(pace.kind(s(60), true)).isEqualTo(Kind.HURRIED);
        assertThat(pace.kind(s(60), false)).isEqualTo(Kind.CALM);
    }

    @Test
    void aCalmIntervalNotLongerThanTheIntervalLeavesThePaceNormal() {
        PollPace pace = new PollPace(INTERVAL, Duration.ofMillis(500), 0);
        pace.watch(true, 0, WINDOW);

        assertThat(pace.kind(s(60), false)).isEqualTo(Kind.NORMAL);
        assertThat(pace.next(s(60), false)).isEqualTo(INTERVAL);
    }

    @Test
    void aShorterHurryDoesNotCutALongerWindowShort() {
        PollPace pace = new PollPace(INTERVAL, CALM, 0);
        pace.hurry(0, Duration.ofSeconds(10));
        pace.hurry(s(1), Duration.ofSeconds(1));

        assertThat(pace.kind(s(9.9), false)).isEqualTo(Kind.HURRIED);
        assertThat(pace.kind(s(10), false)).isEqualTo(Kind.NORMAL);
    }

    @Test
    void anIntervalShorterThanTheHurriedPaceIsKeptWhenHurried() {
        PollPace pace = new PollPace(Duration.ofMillis(100), CALM, 0);
        pace.hurry(0, WINDOW);

        assertThat(pace.next(0, false)).isEqualTo(Duration.ofMillis(100));
    }
}
