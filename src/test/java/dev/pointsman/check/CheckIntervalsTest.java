package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CheckIntervalsTest {
    private final CheckIntervals intervals =
            new CheckIntervals(Duration.ofMillis(3000), Duration.ofMillis(1000), Duration.ofMillis(5000));

    @ParameterizedTest(name = "health {0} checked {1} hurried {2} -> {3}ms")
    @CsvSource(textBlock = """
            0, false, false, 1000
            0, true,  false, 5000
            1, true,  false, 1000
            4, true,  false, 3000
            3, true,  false, 1000
            2, true,  false, 1000
            4, true,  true,  250
            0, true,  true,  250
            """)
    void nextIntervalFollowsStateLikeSrvGetinter(int health, boolean checked, boolean hurried, long millis) {
        // Given rise 2 fall 3 (max 4); When asking for the next interval; Then HAProxy's choice
        HealthState state = new HealthState(health, 2, 3, checked);
        assertThat(intervals.next(state, hurried)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void aHurriedServerWithAShortFastinterKeepsIt() {
        CheckIntervals quick = new CheckIntervals(Duration.ofMillis(3000), Duration.ofMillis(100), Duration.ofMillis(5000));

        assertThat(quick.next(new HealthState(4, 2, 3, true), true)).isEqualTo(Duration.ofMillis(100));
    }

    @Test
    void firstChecksAreStaggeredAcrossServers() {
        Duration inter = Duration.ofMillis(3000);
        assertThat(CheckIntervals.firstDelay(inter, 0, 3)).isEqualTo(Duration.ZERO);
        assertThat(CheckIntervals.firstDelay(inter, 1, 3)).isEqualTo(Duration.ofMillis(1000));
        assertThat(CheckIntervals.firstDelay(inter, 2, 3)).isEqualTo(Duration.ofMillis(2000));
    }
}
