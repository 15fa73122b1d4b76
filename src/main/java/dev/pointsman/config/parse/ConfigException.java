package dev.pointsman.config.parse;

import dev.pointsman.config.Source;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The configuration is invalid. Carries every problem found (all errors of the first pass, or
 * all of the second); {@link #getMessage()} prints one per line, HAProxy style:
 * {@code parsing [patroni.cfg:12] : 'rise' expects an integer > 0, got '0'}.
 */
public final class ConfigException extends Exception {
    private final transient List<Problem> problems;

    ConfigException(List<Problem> problems) {
        super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
        this.problems = List.copyOf(problems);
    }

    public List<Problem> problems() {
        return problems;
    }

    /**
     * One error.
     *
     * @param source  file and 1-based line; line 0 when the whole file is concerned
     * @param keyword the keyword of the line ({@code "server"}, {@code "option httpchk"}); "" when
     *                the line could not be split into words
     * @param message what was wrong and what was expected
     */
    public record Problem(Source source, String keyword, String message) {
        @Override
        public String toString() {
            String where = source.line() > 0 ? source.toString() : source.file();
            return "parsing [" + where + "] : " + message;
        }
    }
}
