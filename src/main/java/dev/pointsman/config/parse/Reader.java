package dev.pointsman.config.parse;

import dev.pointsman.config.Source;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * The first pass: reads files in order, like HAProxy's several {@code -f}, into a
 * {@link GlobalBuilder} and one {@link ProxyBuilder} per proxy. Each file starts outside any
 * section; the defaults in force carry over from one file to the next. Every error is recorded and
 * reading goes on, so that one run reports all of them.
 */
final class Reader {
    private static final List<String> SECTIONS = List.of("global", "defaults", "listen", "frontend", "backend");

    private final Tokenizer tokenizer;
    private final Report report;
    final GlobalBuilder global = new GlobalBuilder();
    final List<ProxyBuilder> proxies = new ArrayList<>();
    private final Map<String, ProxyBuilder> namedDefaults = new HashMap<>();
    private ProxyBuilder defaults = builtin();

    private Section section;
    private ProxyBuilder current;
    private boolean skipping;

    Reader(Function<String, String> env, Report report) {
        this.tokenizer = new Tokenizer(env);
        this.report = report;
    }

    void read(String file, String text) {
        section = null;
        current = null;
        skipping = false;
        int number = 0;
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text; // a byte order mark is not a keyword
        for (String line : (Iterable<String>) body.lines()::iterator) {
            number++;
            Source source = new Source(file, number);
            try {
                List<String> words = tokenizer.words(line);
                if (!words.isEmpty()) {
                    line(new Args(words, source, section, report));
                }
            } catch (BadConfig e) {
                report.error(source, e.keyword(), e.getMessage());
            }
        }
    }

    private void line(Args a) {
        String first = a.peek();
        if (SECTIONS.contains(first)) {
            a.next("");
            a.keyword(first);
            skipping = false;
            startSection(first, a);
            return;
        }
        if (NotImplemented.SECTIONS.contains(first)) {
            section = null;
            current = null;
            skipping = true;
            a.keyword(first);
            throw a.fail(NotImplemented.message(first, "the whole '" + first + "' section is skipped"));
        }
        if (skipping) {
            return;
        }
        if (section == null) {
            throw outOfSection(a, first);
        }
        if (section == Section.GLOBAL) {
            if (!GlobalKeywords.TABLE.knows(first) && ProxyKeywords.TABLE.knows(first)) {
                a.keyword(first);
                throw a.fail("'" + first + "' is not allowed in the 'global' section (it belongs in a proxy section:"
                        + " defaults, listen, frontend or backend)");
            }
            GlobalKeywords.TABLE.dispatch(global, a);
        } else {
            ProxyKeywords.TABLE.dispatch(current, a);
        }
    }

    private BadConfig outOfSection(Args a, String first) {
        a.keyword(first);
        if (GlobalKeywords.TABLE.knows(first) || ProxyKeywords.TABLE.knows(first)) {
            return a.fail("'" + first + "' must be inside a section (global, defaults, listen, frontend or backend)");
        }
        return a.fail("unknown keyword '" + first + "' outside any section" + Suggest.didYouMean(first, SECTIONS));
    }

    private void startSection(String keyword, Args a) {
        switch (keyword) {
            case "global" -> {
                section = Section.GLOBAL;
                current = null;
                a.end();
            }
            case "defaults" -> startDefaults(a);
            default -> startProxy(Section.valueOf(keyword.toUpperCase(java.util.Locale.ROOT)), a);
        }
    }

    private void startDefaults(Args a) {
        section = Section.DEFAULTS;
        current = defaults.inherit(Section.DEFAULTS, "", a.source()); // replaced below unless the header is broken
        String name = a.has() && !a.peek().equals("from") ? name(a, "defaults") : "";
        // each defaults section starts again from HAProxy's built-in values, unless 'from' says otherwise
        ProxyBuilder parent = a.peek().equals("from") ? from(a) : builtin();
        a.end();
        current = parent.inherit(Section.DEFAULTS, name, a.source());
        defaults = current;
        if (!name.isEmpty()) {
            namedDefaults.put(name, current);
        }
    }

    private void startProxy(Section kind, Args a) {
        section = kind;
        current = defaults.inherit(kind, "", a.source()); // replaced below unless the header is broken
        String name = name(a, kind.keyword());
        ProxyBuilder parent = from(a);
        a.end();
        current = parent.inherit(kind, name, a.source());
        proxies.add(current);
    }

    private static ProxyBuilder builtin() {
        return new ProxyBuilder(Section.DEFAULTS, "", Source.BUILTIN);
    }

    private String name(Args a, String keyword) {
        String name = a.next("<name> as argument");
        if (!name.matches("[A-Za-z0-9_.:-]+")) {
            throw a.fail("invalid " + keyword + " name '" + name + "' (expected: letters, digits, '_', '.', ':' and '-')");
        }
        return name;
    }

    /** {@code from <defaults>}, or the defaults section in force. */
    private ProxyBuilder from(Args a) {
        if (!a.accept("from")) {
            return defaults;
        }
        String name = a.next("<defaults name> after 'from'");
        ProxyBuilder named = namedDefaults.get(name);
        if (named == null) {
            throw a.fail("no defaults section named '" + name + "' before this line"
                    + Suggest.didYouMean(name, namedDefaults.keySet()));
        }
        return named;
    }
}
