package dev.pointsman.config.parse;

import dev.pointsman.config.Config;
import dev.pointsman.config.Source;

import java.util.ArrayList;
import java.util.List;

/** Errors and notices collected while parsing, in the order found. */
final class Report {
    private final List<ConfigException.Problem> problems = new ArrayList<>();
    private final List<Config.Notice> notices = new ArrayList<>();

    void error(Source source, String keyword, String message) {
        problems.add(new ConfigException.Problem(source, keyword, message));
    }

    void notice(Source source, String message) {
        notices.add(new Config.Notice(source, message));
    }

    boolean hasErrors() {
        return !problems.isEmpty();
    }

    List<ConfigException.Problem> problems() {
        return problems;
    }

    List<Config.Notice> notices() {
        return notices;
    }

    void throwIfErrors() throws ConfigException {
        if (hasErrors()) {
            throw new ConfigException(problems);
        }
    }
}
