package dev.pointsman.config.parse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class TokenizerTest {
    private final Tokenizer tokenizer = new Tokenizer(Configs.ENV::get);

    static Stream<Arguments> lines() {
        return Stream.of(
                arguments("blank and tabs are separators", "\tserver  pg-1\t pg-1:5432 ", List.of("server", "pg-1", "pg-1:5432")),
                arguments("comment line", "   # nothing here", List.of()),
                arguments("comment right after a word", "maxconn 100# comment", List.of("maxconn", "100")),
                arguments("comment after blanks", "maxconn 100   # comment", List.of("maxconn", "100")),
                arguments("single quotes keep blanks, # and $", "stats realm 'a b # $X'", List.of("stats", "realm", "a b # $X")),
                arguments("double quotes keep blanks and #", "stats realm \"a b # c\"", List.of("stats", "realm", "a b # c")),
                arguments("quotes glue to a word", "x a\"b c\"'d e'", List.of("x", "ab cd e")),
                arguments("empty quotes are an empty word", "x \"\" y", List.of("x", "", "y")),
                arguments("escaped space", "stats realm HAProxy\\ Statistics", List.of("stats", "realm", "HAProxy Statistics")),
                arguments("escaped #, quotes and backslash", "x \\#\\'\\\"\\\\", List.of("x", "#'\"\\")),
                arguments("control escapes", "x a\\tb\\r\\n", List.of("x", "a\tb\r\n")),
                arguments("hex escape", "x \\x41\\x62", List.of("x", "Ab")),
                arguments("other backslashes are kept (regexes)", "x ^\\d+\\.", List.of("x", "^\\d+\\.")),
                arguments("backslash inside single quotes is literal", "x 'a\\ b'", List.of("x", "a\\ b")),
                arguments("braced variable in double quotes", "bind \":${PG_PORT}\"", List.of("bind", ":5432")),
                arguments("plain variable in double quotes", "x \"$STATS_USER:pw\"", List.of("x", "admin:pw")),
                arguments("undefined variable is empty", "x \"a${NOPE}b\"", List.of("x", "ab")),
                arguments("default replaces an undefined variable", "x \"${NOPE-127.0.0.1}:514\"", List.of("x", "127.0.0.1:514")),
                arguments("default does not replace an empty variable", "x \"[${EMPTY-d}]\"", List.of("x", "[]")),
                arguments("variables are not expanded unquoted", "x $PG_PORT ${PG_PORT}", List.of("x", "$PG_PORT", "${PG_PORT}")),
                arguments("variables are not expanded in single quotes", "x '${PG_PORT}'", List.of("x", "${PG_PORT}")),
                arguments("escaped dollar in double quotes", "x \"\\$PG_PORT\"", List.of("x", "$PG_PORT")),
                arguments("carriage return at end of line", "maxconn 100\r", List.of("maxconn", "100")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("lines")
    void splitsLikeHaproxy(String behaviour, String line, List<String> words) {
        // Given a line, When it is tokenized, Then the words are HAProxy's
        assertThat(tokenizer.words(line)).isEqualTo(words);
    }

    @Test
    void unterminatedDoubleQuoteNamesItsColumn() {
        assertThatThrownBy(() -> tokenizer.words("stats realm \"HAProxy"))
                .isInstanceOf(BadConfig.class).hasMessageContaining("unmatched double quote at column 13");
    }

    @Test
    void unterminatedSingleQuoteIsAnError() {
        assertThatThrownBy(() -> tokenizer.words("x 'abc")).hasMessageContaining("unmatched single quote");
    }

    @Test
    void unclosedBraceIsAnError() {
        assertThatThrownBy(() -> tokenizer.words("x \"${PG_PORT\"")).hasMessageContaining("unmatched brace");
    }

    @Test
    void dollarWithoutANameInDoubleQuotesIsAnError() {
        assertThatThrownBy(() -> tokenizer.words("x \"5$\"")).hasMessageContaining("invalid variable name");
    }

    @Test
    void badHexEscapeIsAnError() {
        assertThatThrownBy(() -> tokenizer.words("x \\xZZ")).hasMessageContaining("hex sequence");
    }
}
