package dev.pointsman.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

/** Patroni's {@code /history} read defensively: a line that cannot be a timeline switch fails the answer with a reason. */
class AnswersTest {

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aHistoryAsPatroniWritesItIsRead() throws Exception {
        var entries = Answers.history(bytes("[[1, 25165984, \"no recovery target specified\", \"2026-12-01T10:00:00+00:00\"],"
                + " [2, 50331808, \"no recovery target specified\", \"2026-12-01T11:00:00+00:00\", \"pg-2\"]]"));

        assertThat(entries).hasSize(2);
        assertThat(entries.get(1).timeline()).isEqualTo(2);
        assertThat(entries.get(1).lsn()).isEqualTo(50331808L);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "[[1, -5, \"r\", \"t\"]]         | a /history line is not [timeline, lsn, ...]",
            "[[0, 100, \"r\", \"t\"]]        | a /history line is not [timeline, lsn, ...]",
            "[[1.5, 100, \"r\", \"t\"]]      | a /history line is not [timeline, lsn, ...]",
            "[[1, 100.25, \"r\", \"t\"]]     | a /history line is not [timeline, lsn, ...]",
            "[[\"1\", 100, \"r\", \"t\"]]    | a /history line is not [timeline, lsn, ...]",
            "{\"history\": []}               | /history answer is not a JSON array",
    })
    void aLineThatCannotBeATimelineSwitchFailsTheAnswer(String body, String reason) {
        assertThatThrownBy(() -> Answers.history(bytes(body))).isInstanceOf(Answers.BadAnswer.class).hasMessageContaining(reason);
    }
}
