package dev.pointsman.cli;

/** Placeholder replaced by the picocli command in this same change set. */
public final class Cli {
    private Cli() {}

    public static int run(String[] args) {
        return 0;
    }
}
