package dev.pointsman.config.parse;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/** The sections a keyword may appear in; table rows spell them as letters, HAProxy's matrix. */
enum Section {
    GLOBAL('G'), DEFAULTS('D'), FRONTEND('F'), LISTEN('L'), BACKEND('B');

    private final char letter;

    Section(char letter) {
        this.letter = letter;
    }

    String keyword() {
        return name().toLowerCase(Locale.ROOT);
    }

    boolean isProxy() {
        return this == FRONTEND || this == LISTEN || this == BACKEND;
    }

    /** {@code "D-LB"} → defaults, listen, backend; a dash is only a placeholder. */
    static Set<Section> of(String letters) {
        EnumSet<Section> set = EnumSet.noneOf(Section.class);
        for (char c : letters.toCharArray()) {
            for (Section s : values()) {
                if (s.letter == c) {
                    set.add(s);
                }
            }
        }
        return set;
    }

    static String describe(Set<Section> sections) {
        return sections.stream().map(Section::keyword).collect(Collectors.joining(", "));
    }
}
