package dev.pointsman.config.parse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class UnitsTest {
    @ParameterizedTest(name = "{0} = {1} ms")
    @CsvSource({"0, 0", "100, 100", "1000us, 1", "250ms, 250", "4s, 4000", "30m, 1800000", "2h, 7200000",
            "1d, 86400000", "24d, 2073600000", "2147483647, 2147483647"})
    void timeWithoutUnitIsMilliseconds(String text, long millis) throws Units.BadTime {
        assertThat(Units.time(text, Units.Default.MILLIS)).isEqualTo(Duration.ofMillis(millis));
    }

    @Test
    void statsRefreshStyleDefaultUnitIsSeconds() throws Units.BadTime {
        assertThat(Units.time("10", Units.Default.SECONDS)).isEqualTo(Duration.ofSeconds(10));
        assertThat(Units.time("500ms", Units.Default.SECONDS)).isEqualTo(Duration.ofMillis(500));
    }

    @ParameterizedTest
    @ValueSource(strings = {"4x", "4 s", "4sec", "5M", "1.5s", "-1", "s", "", "0x10"})
    void badTimeIsRefusedWithTheExpectedFormat(String text) {
        assertThatThrownBy(() -> Units.time(text, Units.Default.MILLIS)).isInstanceOf(Units.BadTime.class)
                .hasMessageContaining(text.isEmpty() ? "is not a time" : text);
    }

    @Test
    void unknownUnitNamesTheUnits() {
        assertThatThrownBy(() -> Units.time("4x", Units.Default.MILLIS))
                .hasMessage("unknown time unit 'x' in '4x' (expected: us, ms, s, m, h or d)");
    }

    @Test
    void valueAbove24Point8DaysOverflows() {
        assertThatThrownBy(() -> Units.time("25d", Units.Default.MILLIS)).hasMessageContaining("too large");
        assertThatThrownBy(() -> Units.time("99999999999999999999", Units.Default.MILLIS)).hasMessageContaining("too large");
    }

    @Test
    void nonZeroValueBelowOneMillisecondUnderflows() {
        assertThatThrownBy(() -> Units.time("500us", Units.Default.MILLIS)).hasMessageContaining("minimum non-null value of 1ms");
    }
}
