package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthCounterTest {

    /** Applies a sequence of S (success), F (failure) and X (force down); returns "health/transition" per step. */
    private static List<String> run(HealthCounter counter, String steps) {
        List<String> out = new ArrayList<>();
        for (char c : steps.toCharArray()) {
            Transition t = switch (c) {
                case 'S' -> counter.success();
                case 'F' -> counter.failure();
                case 'X' -> counter.forceDown();
                default -> throw new IllegalArgumentException(String.valueOf(c));
            };
            HealthState s = counter.state();
            out.add(s.health() + (s.up() ? "U" : "D") + "/" + t.name().charAt(0));
        }
        return out;
    }

    @Test
    void newServerStartsDownNeverCheckedWithHealthZero() {
        // Given a fresh counter (rise 2, fall 3)
        HealthCounter counter = new HealthCounter(2, 3);

        // Then it is DOWN, health 0, never checked: nothing takes traffic before a check passed
        HealthState state = counter.state();
        assertThat(state.state()).isEqualTo(OperationalState.DOWN);
        assertThat(state.health()).isZero();
        assertThat(state.checked()).isFalse();
        assertThat(state.statusText()).isEqualTo("DOWN");
    }

    // Each step: health, U/D, transition initial (U = UNCHANGED, P = PENDING, C = CHANGED)
    @ParameterizedTest(name = "rise {0} fall {1}: {2}")
    @CsvSource(delimiter = '|', textBlock = """
            2 | 3 | S        | 4U/C
            2 | 3 | F        | 0D/U
            2 | 3 | FS       | 0D/U 1D/P
            2 | 3 | FSS      | 0D/U 1D/P 4U/C
            2 | 3 | FSFS     | 0D/U 1D/P 0D/P 1D/P
            2 | 3 | SF       | 4U/C 3U/P
            2 | 3 | SFF      | 4U/C 3U/P 2U/P
            2 | 3 | SFFF     | 4U/C 3U/P 2U/P 0D/C
            2 | 3 | SFFS     | 4U/C 3U/P 2U/P 4U/P
            2 | 3 | SS       | 4U/C 4U/U
            2 | 3 | SFFFF    | 4U/C 3U/P 2U/P 0D/C 0D/U
            1 | 1 | SFSF     | 1U/C 0D/C 1U/C 0D/C
            1 | 1 | FFS      | 0D/U 0D/U 1U/C
            3 | 2 | FSSS     | 0D/U 1D/P 2D/P 4U/C
            3 | 2 | FSSFSSS  | 0D/U 1D/P 2D/P 0D/P 1D/P 2D/P 4U/C
            3 | 2 | SFF      | 4U/C 3U/P 0D/C
            1 | 3 | FS       | 0D/U 3U/C
            """)
    void riseAndFallFollowHaproxysHealthInteger(int rise, int fall, String steps, String expected) {
        // Given a counter; When the checks of the row happen; Then health and transitions match
        assertThat(run(new HealthCounter(rise, fall), steps)).containsExactly(expected.split(" "));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            SX    | 4U/C 0D/C
            SFX   | 4U/C 3U/P 0D/C
            FSX   | 0D/U 1D/P 0D/P
            FX    | 0D/U 0D/U
            X     | 0D/U
            SXS   | 4U/C 0D/C 1D/P
            """)
    void forceDownDropsToZeroWithoutWaitingForFall(String steps, String expected) {
        assertThat(run(new HealthCounter(2, 3), steps)).containsExactly(expected.split(" "));
    }

    @Test
    void forcedDownServerNeedsRiseSuccessesAgain() {
        // Given an UP server forced down (rise 2, fall 3)
        HealthCounter counter = new HealthCounter(2, 3);
        counter.success();
        counter.forceDown();

        // When one check passes Then it is still DOWN (going up); the second makes it UP
        assertThat(counter.success()).isEqualTo(Transition.PENDING);
        assertThat(counter.state().statusText()).isEqualTo("DOWN 1/2");
        assertThat(counter.success()).isEqualTo(Transition.CHANGED);
        assertThat(counter.state().statusText()).isEqualTo("UP");
    }

    @Test
    void statusTextShowsGoingDownSteps() {
        HealthCounter counter = new HealthCounter(2, 3);
        counter.success();
        counter.failure();
        assertThat(counter.state().statusText()).isEqualTo("UP 2/3");
        assertThat(counter.state().transitional()).isTrue();
        counter.failure();
        assertThat(counter.state().statusText()).isEqualTo("UP 1/3");
    }

    @Test
    void unknownOutcomeLeavesCounterAlone() {
        HealthCounter counter = new HealthCounter(2, 3);
        assertThat(counter.apply(CheckStatus.INI)).isEqualTo(Transition.UNCHANGED);
        assertThat(counter.state().checked()).isFalse();
        assertThat(counter.apply(CheckStatus.L7OK)).isEqualTo(Transition.CHANGED);
        assertThat(counter.apply(CheckStatus.L4CON)).isEqualTo(Transition.PENDING);
    }

    @ParameterizedTest(name = "health {0} of rise 2 fall 3 -> {3} of rise {1} fall {2}")
    @CsvSource({
            "4, 3, 1, 3", // fully UP stays fully UP
            "2, 3, 1, 3", // UP one failure from DOWN: UP, one failure from DOWN
            "3, 1, 5, 1", // UP going down: UP, one failure from DOWN
            "0, 4, 2, 0", // DOWN stays DOWN
            "1, 4, 2, 1", // going up keeps its successes
            "1, 1, 1, 0", // ... below the new rise
    })
    void aStateRescaledToOtherRiseAndFallKeepsItsSide(int health, int rise, int fall, int expected) {
        HealthState before = new HealthState(health, 2, 3, true);
        HealthState after = before.rescaled(rise, fall);
        assertThat(after.health()).isEqualTo(expected);
        assertThat(after.up()).isEqualTo(before.up());
        assertThat(after.checked()).isTrue();
    }
}
