package dev.pointsman.backend;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SessionRateTest {
    private static final long S = 1_000_000_000L;
    private static final long T0 = 1_000 * S; // the start of a whole second

    @Test
    void theRateCountsThisSecondAndTheRestOfTheLast() {
        SessionRate r = new SessionRate();
        // Given 10 sessions in one second
        for (int i = 0; i < 10; i++) {
            r.event(T0 + i * (S / 10));
        }
        assertThat(r.rate(T0 + S - 1)).isEqualTo(10);
        // When a quarter of the next second has passed, three quarters of the last one still count
        assertThat(r.rate(T0 + S + S / 4)).isEqualTo(8); // 0 + round(10 * 0.75)
        // and after two quiet seconds nothing does
        assertThat(r.rate(T0 + 3 * S)).isZero();
    }

    @Test
    void theMaximumIsTheHighestRateSeenAtASessionStart() {
        SessionRate r = new SessionRate();
        for (int i = 0; i < 5; i++) {
            r.event(T0 + i);
        }
        r.event(T0 + 10 * S);

        assertThat(r.max()).isEqualTo(5);
        assertThat(r.rate(T0 + 10 * S)).isEqualTo(1);
    }

    @Test
    void secondsSinceTheLastSessionAreMinusOneUntilTheFirst() {
        SessionRate r = new SessionRate();
        assertThat(r.secondsSinceLast(T0)).isEqualTo(-1);

        r.event(T0);

        assertThat(r.secondsSinceLast(T0 + 2 * S + S / 2)).isEqualTo(2);
    }
}
