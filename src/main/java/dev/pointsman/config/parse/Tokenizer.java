package dev.pointsman.config.parse;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Splits one line into words the way HAProxy's {@code parse_line} does:
 * <ul>
 *   <li>words are separated by unquoted, unescaped blanks (spaces, tabs);</li>
 *   <li>{@code #} outside quotes starts a comment, even right after a word;</li>
 *   <li>'single quotes' keep everything literally; "double quotes" keep blanks and {@code #} but
 *       still expand escapes and environment variables;</li>
 *   <li>a backslash outside single quotes escapes a blank, {@code \ # ' "}; {@code \t \n \r \xHH}
 *       give the control character; {@code \$} gives {@code $} inside double quotes; any other
 *       backslash is kept as is (regexes like {@code \d} survive);</li>
 *   <li>{@code $NAME}, {@code ${NAME}} and {@code ${NAME-default}} are expanded inside double
 *       quotes only, as HAProxy does (outside them a {@code $} is a plain character). An undefined
 *       variable expands to the empty string; the default replaces an undefined variable only,
 *       not an empty one.</li>
 * </ul>
 */
final class Tokenizer {
    private final Function<String, String> env;

    Tokenizer(Function<String, String> env) {
        this.env = env;
    }

    /** The words of {@code line}; empty for a blank or comment line. */
    List<String> words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean started = false;
        boolean squote = false;
        boolean dquote = false;
        int quoteAt = -1;
        int i = 0;
        int n = line.length();
        while (i < n) {
            char c = line.charAt(i);
            if (squote) {
                if (c == '\'') {
                    squote = false;
                } else {
                    word.append(c);
                }
                i++;
            } else if (c == '\\') {
                i = escape(line, i, dquote, word);
                started = true;
            } else if (c == '"') {
                dquote = !dquote;
                quoteAt = i;
                started = true;
                i++;
            } else if (c == '\'' && !dquote) {
                squote = true;
                quoteAt = i;
                started = true;
                i++;
            } else if (c == '#' && !dquote) {
                break;
            } else if (isBlank(c) && !dquote) {
                if (started) {
                    words.add(word.toString());
                    word.setLength(0);
                    started = false;
                }
                i++;
            } else if (c == '$' && dquote) {
                i = variable(line, i, word);
            } else {
                word.append(c);
                started = true;
                i++;
            }
        }
        if (squote || dquote) {
            throw new BadConfig("", "unmatched " + (squote ? "single" : "double") + " quote at column " + (quoteAt + 1)
                    + ": " + line.strip());
        }
        if (started) {
            words.add(word.toString());
        }
        return words;
    }

    private static boolean isBlank(char c) {
        return c == ' ' || c == '\t' || c == '\f' || c == '\u000b' || c == '\r' || c == '\n';
    }

    /** Handles the backslash at {@code i}; returns the index after the sequence. */
    private static int escape(String line, int i, boolean dquote, StringBuilder word) {
        if (i + 1 >= line.length()) {
            word.append('\\');
            return i + 1;
        }
        char next = line.charAt(i + 1);
        switch (next) {
            case ' ', '\\', '#', '\'', '"' -> word.append(next);
            case 't' -> word.append('\t');
            case 'n' -> word.append('\n');
            case 'r' -> word.append('\r');
            case '$' -> {
                if (!dquote) {
                    word.append('\\');
                    return i + 1;
                }
                word.append('$');
            }
            case 'x' -> {
                if (i + 3 >= line.length() || !isHex(line.charAt(i + 2)) || !isHex(line.charAt(i + 3))) {
                    throw new BadConfig("", "invalid or incomplete hex sequence at column " + (i + 1)
                            + " (expected: \\xHH)");
                }
                word.append((char) Integer.parseInt(line.substring(i + 2, i + 4), 16));
                return i + 4;
            }
            default -> {
                word.append('\\');
                return i + 1;
            }
        }
        return i + 2;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    /** Expands the variable whose {@code $} is at {@code i}; returns the index after it. */
    private int variable(String line, int i, StringBuilder word) {
        int start = i;
        i++;
        boolean brace = i < line.length() && line.charAt(i) == '{';
        if (brace) {
            i++;
        }
        if (i >= line.length() || !(Character.isLetter(line.charAt(i)) || line.charAt(i) == '_')) {
            throw new BadConfig("", "invalid variable name at column " + (start + 1)
                    + " (expected: $NAME or ${NAME}, NAME made of letters, digits and '_'; write \\$ for a literal $)");
        }
        int nameStart = i;
        while (i < line.length() && (Character.isLetterOrDigit(line.charAt(i)) || line.charAt(i) == '_')) {
            i++;
        }
        String name = line.substring(nameStart, i);
        String value = env.apply(name);
        if (brace) {
            if (i < line.length() && line.charAt(i) == '-') {
                int close = line.indexOf('}', i);
                if (close < 0) {
                    throw unmatchedBrace(start);
                }
                if (value == null) {
                    value = line.substring(i + 1, close);
                }
                i = close;
            }
            if (i >= line.length() || line.charAt(i) != '}') {
                if (i < line.length() && line.charAt(i) == '[') {
                    throw new BadConfig("", "'${" + name + "[*]}' word expansion is not implemented in Pointsman");
                }
                throw unmatchedBrace(start);
            }
            i++;
        }
        word.append(value == null ? "" : value);
        return i;
    }

    private static BadConfig unmatchedBrace(int at) {
        return new BadConfig("", "unmatched brace in environment variable at column " + (at + 1) + " (expected: ${NAME})");
    }
}
