package dev.pointsman.config.parse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class SuggestTest {
    private static final List<String> KEYWORDS = List.of("balance", "bind", "maxconn", "server", "default-server",
            "default_backend", "timeout", "option", "retries", "mode");

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({"balanse, balance", "blance, balance", "maxcon, maxconn", "sever, server", "servr, server",
            "timeuot, timeout", "defualt_backend, default_backend", "default-backend, default_backend",
            "Mode, mode", "retires, retries"})
    void misspeltKeywordSuggestsTheNearest(String typo, String expected) {
        assertThat(Suggest.nearest(typo, KEYWORDS)).contains(expected);
    }

    @ParameterizedTest
    @CsvSource({"frobnicate", "acl", "x"})
    void unrelatedWordSuggestsNothing(String word) {
        assertThat(Suggest.nearest(word, KEYWORDS)).isEmpty();
    }

    @ParameterizedTest
    @CsvSource({"abc, abc, 0", "abc, acb, 1", "kitten, sitting, 3", "'', abc, 3"})
    void distanceCountsATranspositionAsOneEdit(String a, String b, int d) {
        assertThat(Suggest.distance(a, b)).isEqualTo(d);
    }
}
