package dev.pointsman.config.parse;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * A keyword table: one row per keyword with the sections it is allowed in and its method, plus
 * the HAProxy keywords that Pointsman knows but does not implement. {@link #dispatch} reads the
 * keyword from the line and runs its row, or fails with the most useful message: out of place,
 * not implemented, or unknown with the nearest valid keyword.
 */
final class Table<T> {
    /** One keyword. */
    record Row<T>(String name, Set<Section> where, boolean negatable, Handler<T> handler) {}

    private final String what;
    private final String prefix;
    private final Map<String, Row<T>> rows = new LinkedHashMap<>();
    private final Map<String, String> notImplemented = new LinkedHashMap<>();
    private final Map<String, String> foreign = new LinkedHashMap<>();

    /**
     * @param what   how an unknown word is called in messages: "keyword", "option", "timeout"
     * @param prefix printed before a keyword in messages: "", "option ", "timeout "
     */
    Table(String what, String prefix) {
        this.what = what;
        this.prefix = prefix;
    }

    Table<T> row(String name, String where, Handler<T> handler) {
        rows.put(name, new Row<>(name, Section.of(where), false, handler));
        return this;
    }

    /** A row that also accepts {@code no} before it. */
    Table<T> negatable(String name, String where, Handler<T> handler) {
        rows.put(name, new Row<>(name, Section.of(where), true, handler));
        return this;
    }

    /** HAProxy keywords Pointsman does not implement; {@code hint} (may be "") says what to do instead. */
    Table<T> notImplemented(String hint, String... names) {
        for (String n : names) {
            notImplemented.put(n, hint);
        }
        return this;
    }

    /** Keywords that belong to another table, with where they belong ("the 'global' section"). */
    Table<T> foreign(String where, Iterable<String> names) {
        for (String n : names) {
            foreign.putIfAbsent(n, where);
        }
        return this;
    }

    Set<String> names() {
        return rows.keySet();
    }

    boolean knows(String name) {
        return rows.containsKey(name) || notImplemented.containsKey(name);
    }

    /** Reads the keyword at the cursor and applies its row to {@code target}. */
    void dispatch(T target, Args a) {
        String word = a.next(what.equals("keyword") ? "a keyword" : "<" + what + ">");
        String label = prefix + word;
        a.keyword(label);
        Row<T> row = rows.get(word);
        if (row == null) {
            throw unknown(word, label, a);
        }
        if (!row.where().contains(a.section())) {
            throw a.fail("'" + label + "' is not allowed in " + in(a.section()) + " (allowed in: "
                    + Section.describe(row.where()) + ")");
        }
        if (a.negated() && !row.negatable()) {
            throw a.fail("'no " + label + "' is not supported");
        }
        row.handler().apply(target, a);
    }

    private BadConfig unknown(String word, String label, Args a) {
        if (notImplemented.containsKey(word)) {
            return a.fail(NotImplemented.message(label, notImplemented.get(word)));
        }
        if (foreign.containsKey(word)) {
            return a.fail("'" + label + "' is not allowed in " + in(a.section()) + " (it belongs in "
                    + foreign.get(word) + ")");
        }
        List<String> valid = rows.values().stream().filter(r -> r.where().contains(a.section())).map(Row::name).toList();
        String hint = Suggest.didYouMean(word, valid);
        if (hint.isEmpty()) {
            hint = Suggest.didYouMean(word, rows.keySet());
        }
        String where = a.section() == null ? "outside any section" : "in '" + a.section().keyword() + "' section";
        return a.fail("unknown " + what + " '" + word + "' " + where + hint);
    }

    private static String in(Section section) {
        return section == null ? "no section" : "a '" + section.keyword() + "' section";
    }
}
