package dev.pointsman.stats;

import java.util.Optional;

/**
 * The outcome of a POST of the page's server actions, as HAProxy 2.6 reports it: the POST is
 * answered {@code 303 See Other} to {@code <uri>;st=<CODE>}, and the page asked for that way shows
 * the code's message above the tables ({@code src/stats.c}). Pointsman adds one line to ERRP's list:
 * the HAProxy actions it does not apply.
 */
enum PageStatus {
    DENY("down", "<b>Action denied.</b>"),
    DONE("up", "Action processed successfully."),
    ERRP("down", "Action not processed because of invalid parameters.<ul>"
            + "<li>The action is maybe unknown.</li>"
            + "<li>Invalid key parameter (empty or too long).</li>"
            + "<li>The backend name is probably unknown or ambiguous (duplicated names).</li>"
            + "<li>Some server names are probably unknown or ambiguous (duplicated names in the backend).</li>"
            + "<li>Pointsman applies ready, drain, maint and shutdown; HAProxy's health and agent actions are not"
            + " applied.</li></ul>"),
    EXCD("down", "<b>Action not processed : the buffer couldn't store all the data.<br>"
            + "You should retry with less servers at a time.</b>"),
    NONE("going-down", "Nothing has changed."),
    PART("going-down", "Action partially processed.<br>"
            + "Some server names are probably unknown or ambiguous (duplicated names in the backend)."),
    UNKN("nocheck", "Unexpected result."),
    IVAL("down", "<b>Invalid requests (unsupported method or chunked encoded request).</b>");

    /** The page's tone class for the message ({@code tone-*}). */
    final String tone;
    /** HAProxy's message, HTML. */
    final String html;

    PageStatus(String tone, String html) {
        this.tone = tone;
        this.html = html;
    }

    /**
     * The status an {@code st=} option of the page's URI names, as HAProxy reads it: its first four
     * characters name a code, any other four are UNKN, fewer are none.
     */
    static Optional<PageStatus> of(String value) {
        if (value.length() < 4) {
            return Optional.empty();
        }
        String code = value.substring(0, 4);
        for (PageStatus s : values()) {
            if (s.name().equals(code)) {
                return Optional.of(s);
            }
        }
        return Optional.of(UNKN);
    }

    /** HAProxy's verdict on a POST that named {@code total} servers, {@code altered} of them changed. */
    static PageStatus of(int total, int altered) {
        if (total == 0) {
            return NONE;
        }
        if (altered == 0) {
            return ERRP;
        }
        return altered == total ? DONE : PART;
    }
}
