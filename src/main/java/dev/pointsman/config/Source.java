package dev.pointsman.config;

/** Where a record came from: a file and a 1-based line, printed HAProxy style as {@code file:line}. */
public record Source(String file, int line) {
    public static final Source BUILTIN = new Source("<builtin>", 0);

    @Override
    public String toString() {
        return file + ":" + line;
    }
}
