package dev.pointsman.admin;

import dev.pointsman.config.StatsSocket.Level;
import java.util.List;
import java.util.concurrent.CompletionStage;

/**
 * One command of the runtime API: its leading words, its line in {@code help} (HAProxy's syntax
 * and description, the syntax padded to 40 columns) and the lowest level that may run it.
 *
 * @param syntax null for {@code help}, {@code prompt} and {@code quit}, which HAProxy lists last
 */
record Command(List<String> words, String syntax, String description, Level level, Action action) {

    /** What a command answers, without the line feed or prompt that follows every answer. */
    interface Action {
        CompletionStage<String> run(CliSession session, List<String> args);
    }

    /** Whether a command line starts with this command's words. */
    boolean matches(List<String> args) {
        if (args.size() < words.size()) {
            return false;
        }
        for (int i = 0; i < words.size(); i++) {
            if (!words.get(i).equals(args.get(i))) {
                return false;
            }
        }
        return true;
    }

    /** The {@code help} line: {@code "  show backend                            : list backends..."} without the indent. */
    String usage() {
        return String.format("%-40s: %s", syntax, description);
    }

    boolean listed() {
        return syntax != null;
    }
}
