package dev.pointsman.admin;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The text of {@code help} and of an unknown command, as HAProxy 2.6 words it: a header, the
 * matching commands' lines sorted, then always {@code help}, {@code prompt} and {@code quit}.
 *
 * <p>Which commands: those sharing the most leading words with what was typed; when words remain
 * after those, the commands whose remaining words look most alike (the same idea as HAProxy's:
 * each text is reduced to how often one kind of character follows another, and the two counts
 * are compared), else every command that shares the leading words.
 */
final class Usage {
    private Usage() {}

    static final String HELP = "The following commands are valid at this level:\n";
    static final String NO_MATCH = "Unknown command. Please enter one of the following commands only:\n";
    static final String PARTIAL = "Unknown command, but maybe one of the following ones is a better match:\n";
    static final String TAIL = ""
            + "  help [<command>]                        : list matching or all commands\n"
            + "  prompt                                  : toggle interactive mode with prompt\n"
            + "  quit                                    : disconnect\n";
    /** How many look-alike commands are proposed at most (HAProxy's CLI_MAX_MATCHES). */
    static final int MAX_MATCHES = 5;
    /** How many words beyond the shared ones are compared (HAProxy's CLI_PREFIX_KW_NB). */
    static final int MAX_WORDS = 5;

    /** {@code help [words]}: the commands starting with, or looking like, {@code words}. */
    static String help(List<Command> commands, List<String> words) {
        return HELP + list(commands, words);
    }

    /** The answer to a line that names no command. */
    static String unknown(List<Command> commands, List<String> words) {
        int shared = shared(commands, words);
        return (shared == 0 && words.isEmpty() ? NO_MATCH : PARTIAL) + list(commands, words);
    }

    private static String list(List<Command> commands, List<String> words) {
        int shared = shared(commands, words);
        List<Command> prefixed = commands.stream().filter(Command::listed)
                .filter(c -> c.words().size() >= shared && c.words().subList(0, shared).equals(head(words, shared)))
                .toList();
        List<Command> chosen = words.size() > shared ? lookAlikes(prefixed, words, shared) : List.of();
        if (chosen.isEmpty()) {
            chosen = prefixed;
        }
        StringBuilder sb = new StringBuilder();
        chosen.stream().map(Command::usage).sorted(Comparator.naturalOrder())
                .forEach(u -> sb.append("  ").append(u).append('\n'));
        return sb.append(TAIL).toString();
    }

    /** The most leading words any listed command shares with {@code words}. */
    private static int shared(List<Command> commands, List<String> words) {
        int best = 0;
        for (Command c : commands) {
            if (!c.listed()) {
                continue;
            }
            int n = 0;
            while (n < c.words().size() && n < words.size() && c.words().get(n).equals(words.get(n))) {
                n++;
            }
            best = Math.max(best, n);
        }
        return best;
    }

    private static List<String> head(List<String> words, int n) {
        return words.subList(0, Math.min(n, words.size()));
    }

    private record Scored(Command command, int distance) {}

    /** Up to {@link #MAX_MATCHES} commands whose words after {@code shared} look like the typed ones. */
    private static List<Command> lookAlikes(List<Command> candidates, List<String> words, int shared) {
        List<String> typed = words.subList(shared, Math.min(words.size(), shared + MAX_WORDS));
        int[] typedPrint = fingerprint(typed);
        int typedLength = typed.stream().mapToInt(String::length).sum();
        List<Scored> best = new ArrayList<>();
        for (Command c : candidates) {
            List<String> rest = c.words().subList(shared, c.words().size());
            int distance = distance(typedPrint, fingerprint(rest));
            int total = typedLength + rest.stream().mapToInt(String::length).sum();
            if (distance >= 5 * total / 2) {
                continue; // nothing alike
            }
            int at = 0;
            while (at < best.size() && best.get(at).distance() <= distance) {
                at++;
            }
            if (at < MAX_MATCHES) {
                best.add(at, new Scored(c, distance));
                if (best.size() > MAX_MATCHES) {
                    best.remove(MAX_MATCHES);
                }
            }
        }
        List<Command> out = new ArrayList<>();
        for (Scored s : best) {
            if (s.distance() > 5 * best.get(0).distance() / 2) {
                break; // much worse than the best: unlikely
            }
            out.add(s.command());
        }
        return out;
    }

    /**
     * How often each kind of character follows another across {@code words} (a letter, a digit,
     * or anything else, which also stands for a word's start and end), plus which kinds occur.
     */
    static int[] fingerprint(List<String> words) {
        int[] print = new int[32 * 32];
        for (String w : words) {
            int from = 28;
            for (char ch : w.toLowerCase(Locale.ROOT).toCharArray()) {
                int to = ch >= 'a' && ch <= 'z' ? ch - 'a' + 1 : ch >= '0' && ch <= '9' ? 27 : 28;
                print[to] = 1;
                print[32 * from + to]++;
                from = to;
            }
            print[32 * from + 28]++;
        }
        return print;
    }

    static int distance(int[] a, int[] b) {
        int d = 0;
        for (int i = 0; i < a.length; i++) {
            d += Math.abs(a[i] - b[i]);
        }
        return d;
    }
}
