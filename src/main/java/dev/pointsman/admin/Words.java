package dev.pointsman.admin;

import java.util.ArrayList;
import java.util.List;

/**
 * How HAProxy's CLI reads a line: commands separated by unescaped {@code ;}, each split into words
 * at unescaped spaces and tabs; a backslash makes the next character literal ({@code \;},
 * {@code \ }, {@code \\}). Pure.
 */
final class Words {
    private Words() {}

    /** The commands of one line, each still escaped, in order ({@code show info;show stat} is two). */
    static List<String> commands(String line) {
        List<String> out = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == ';') {
                out.add(line.substring(start, i));
                start = i + 1;
            }
        }
        out.add(line.substring(start));
        return out;
    }

    /** The words of one command, unescaped; empty for a blank command. */
    static List<String> split(String command) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                continue;
            }
            if (word == null) {
                word = new StringBuilder();
            }
            if (c == '\\') {
                if (i + 1 < command.length()) {
                    word.append(command.charAt(++i));
                }
            } else {
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        return words;
    }
}
