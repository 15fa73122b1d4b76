package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProbeTimeoutsTest {
    @Test
    void withTimeoutCheckConnectIsMinOfConnectAndInterThenCheckForTheAnswer() {
        ProbeTimeouts t = ProbeTimeouts.of(TestConfigs.timeouts(Duration.ofSeconds(4), Duration.ofSeconds(5)),
                Duration.ofSeconds(3));
        assertThat(t.connect()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.answerAfter(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void withTimeoutCheckAndShortConnectTheConnectTimeoutApplies() {
        ProbeTimeouts t = ProbeTimeouts.of(TestConfigs.timeouts(Duration.ofSeconds(1), Duration.ofSeconds(5)),
                Duration.ofSeconds(3));
        assertThat(t.connect()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void withoutTimeoutCheckInterBoundsTheWholeCheck() {
        ProbeTimeouts t = ProbeTimeouts.of(TestConfigs.timeouts(Duration.ofSeconds(4), null), Duration.ofSeconds(3));
        assertThat(t.connect()).isEqualTo(Duration.ofSeconds(3));
        assertThat(t.answer()).isEqualTo(Optional.empty());
        assertThat(t.answerAfter(Duration.ofSeconds(1))).isEqualTo(Duration.ofSeconds(2));
        assertThat(t.answerAfter(Duration.ofSeconds(4))).isEqualTo(Duration.ZERO);
    }
}
