package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class WordsTest {

    @Test
    void aLineIsCutIntoCommandsAtUnescapedSemicolons() {
        assertThat(Words.commands("show info;show stat;show backend"))
                .containsExactly("show info", "show stat", "show backend");
        assertThat(Words.commands("show backend\\;x")).containsExactly("show backend\\;x");
        assertThat(Words.commands("a\\\\;b")).as("an escaped backslash does not escape the semicolon")
                .containsExactly("a\\\\", "b");
        assertThat(Words.commands("")).containsExactly("");
    }

    @Test
    void aCommandIsCutIntoWordsAtSpacesAndTabsWithBackslashEscapes() {
        assertThat(Words.split("  set server\tprimary/pg-1   state maint ")).containsExactly("set", "server",
                "primary/pg-1", "state", "maint");
        assertThat(Words.split("show backend\\;x")).containsExactly("show", "backend;x");
        assertThat(Words.split("a\\ b c\\\\d")).containsExactly("a b", "c\\d");
        assertThat(Words.split("   ")).isEmpty();
    }
}
