package dev.pointsman.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionTimesTest {

    @Test
    void fewerSessionsThanTheWindowAreAveragedPlainly() {
        SessionTimes t = new SessionTimes();
        assertThat(t.totalAverage()).isZero();

        t.record(0, 2, 10);
        t.record(4, 4, 30);

        assertThat(t.queueAverage()).isEqualTo(2);
        assertThat(t.connectAverage()).isEqualTo(3);
        assertThat(t.totalAverage()).isEqualTo(20);
        assertThat(t.totalMax()).isEqualTo(30);
        assertThat(t.queueMax()).isEqualTo(4);
    }

    @Test
    void pastTheWindowTheAverageFollowsTheRecentSessions() {
        SessionTimes t = new SessionTimes();
        for (int i = 0; i < SessionTimes.WINDOW; i++) {
            t.record(0, 1, 100);
        }
        // When the sessions become ten times slower for three windows
        for (int i = 0; i < 3 * SessionTimes.WINDOW; i++) {
            t.record(0, 1, 1000);
        }
        // Then the average has moved most of the way (1 - e^-3 = 95 %), and the maximum is exact
        assertThat(t.totalAverage()).isBetween(940L, 1000L);
        assertThat(t.totalMax()).isEqualTo(1000);
        assertThat(t.connectAverage()).isEqualTo(1);
    }
}
