package dev.pointsman.config.parse;

import dev.pointsman.config.Source;

import java.util.List;

/**
 * The words of one line with a cursor, plus what a keyword method needs around them: where the
 * line is, which section it is in, and where notices go. Keyword methods read their arguments
 * with {@link #next(String)} and finish with {@link #end()}.
 */
final class Args {
    private final List<String> words;
    private final Source source;
    private final Section section;
    private final Report report;
    private int pos;
    private String keyword = "";
    private boolean negated;

    Args(List<String> words, Source source, Section section, Report report) {
        this.words = List.copyOf(words);
        this.source = source;
        this.section = section;
        this.report = report;
    }

    Source source() {
        return source;
    }

    Section section() {
        return section;
    }

    /** The keyword being parsed, as printed in messages: {@code "rise"}, {@code "option httpchk"}. */
    String keyword() {
        return keyword;
    }

    void keyword(String label) {
        this.keyword = label;
    }

    /** True after {@code no} ({@code no option redispatch}). */
    boolean negated() {
        return negated;
    }

    void negate() {
        negated = true;
    }

    boolean has() {
        return pos < words.size();
    }

    String peek() {
        return has() ? words.get(pos) : "";
    }

    /** The next word; when missing, fails with {@code '<keyword>' expects <what>}. */
    String next(String what) {
        if (!has()) {
            throw fail("'" + keyword + "' expects " + what);
        }
        return words.get(pos++);
    }

    /** The next word when it equals {@code word}, consumed; false otherwise. */
    boolean accept(String word) {
        if (has() && words.get(pos).equals(word)) {
            pos++;
            return true;
        }
        return false;
    }

    /** No argument may follow. */
    void end() {
        if (has()) {
            throw fail("'" + keyword + "': unexpected argument '" + peek() + "'");
        }
    }

    void notice(String message) {
        report.notice(source, message);
    }

    BadConfig fail(String message) {
        return new BadConfig(keyword, message);
    }
}
