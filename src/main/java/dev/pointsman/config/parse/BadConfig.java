package dev.pointsman.config.parse;

/** One line's error, thrown by a keyword method and recorded with file:line by the reader. */
final class BadConfig extends RuntimeException {
    private final String keyword;

    BadConfig(String keyword, String message) {
        super(message, null, false, false);
        this.keyword = keyword;
    }

    String keyword() {
        return keyword;
    }
}
