package dev.pointsman.stats;

import dev.pointsman.stats.PageActions.Action;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The body of a POST of the page's server actions ({@code application/x-www-form-urlencoded}), read
 * as HAProxy 2.6 reads it ({@code stats_process_http_post}): parameters from the last to the first,
 * so the last {@code b=} (backend, by name or {@code #<id>}) and the last {@code action=} count; an
 * unknown backend or action, or a parameter longer than HAProxy's line (2047 characters), is
 * ERRP; a parameter that does not decode ends the reading there; every {@code s=} (server) read
 * is applied, last first, once backend and action are known. Pure: what is applied and how the
 * POST is answered are decided from this.
 *
 * @param backend     the backend, when a {@code b=} named one
 * @param action      the action, when an {@code action=} named one Pointsman applies
 * @param servers     the servers to apply the action to, in HAProxy's order (empty unless backend and action are known)
 * @param invalid     ERRP, whatever the servers do (the servers listed before it was found are still applied)
 * @param unsupported an HAProxy action word Pointsman does not apply, when that made the POST invalid
 */
record PagePost(Optional<String> backend, Optional<Action> action, List<String> servers, boolean invalid,
                Optional<String> unsupported) {

    /** HAProxy's {@code LINESIZE}: a parameter's key and value together, with their terminating NUL. */
    static final int LINESIZE = 2048;

    /** HAProxy 2.6's other action words: health and agent checks forced or switched, and the 1.x page's words. */
    static final Set<String> HAPROXY_ONLY = Set.of("dhlth", "ehlth", "hrunn", "hnolb", "hdown", "dagent", "eagent",
            "arunn", "adown", "disable", "enable", "stop", "start");

    static PagePost parse(String body, Predicate<String> isBackend) {
        String[] params = body.split("&", -1);
        String backend = null;
        Action action = null;
        List<String> waiting = new ArrayList<>();
        List<String> servers = new ArrayList<>();
        for (int i = params.length - 1; i >= 0; i--) {
            String param = params[i];
            if (param.length() + 1 > LINESIZE) {
                return invalid(backend, action, servers, null);
            }
            int eq = param.indexOf('=');
            String key = decode(eq < 0 ? param : param.substring(0, eq));
            String value = decode(eq < 0 ? "" : param.substring(eq + 1));
            if (key == null || value == null) {
                break; // HAProxy stops reading at a parameter that does not decode
            }
            if (backend == null && key.equals("b")) {
                if (!isBackend.test(value)) {
                    return invalid(null, action, servers, null);
                }
                backend = value;
            } else if (action == null && key.equals("action")) {
                action = action(value);
                if (action == null) {
                    return invalid(backend, null, servers, HAPROXY_ONLY.contains(value) ? value : null);
                }
            } else if (key.equals("s")) {
                (backend != null && action != null ? servers : waiting).add(value);
            }
            if (backend != null && action != null && !waiting.isEmpty()) {
                servers.addAll(waiting);
                waiting.clear();
            }
        }
        return new PagePost(Optional.ofNullable(backend), Optional.ofNullable(action), List.copyOf(servers), false,
                Optional.empty());
    }

    /** The answer once the servers are applied, {@code altered} of them changed. */
    PageStatus status(int altered) {
        return invalid ? PageStatus.ERRP : PageStatus.of(servers.size(), altered);
    }

    private static PagePost invalid(String backend, Action action, List<String> servers, String unsupported) {
        return new PagePost(Optional.ofNullable(backend), Optional.ofNullable(action), List.copyOf(servers), true,
                Optional.ofNullable(unsupported));
    }

    private static Action action(String word) {
        for (Action a : Action.values()) {
            if (a.word.equals(word)) {
                return a;
            }
        }
        return null;
    }

    /** HAProxy's {@code url_decode} for a form: {@code +} is a space, {@code %XX} a byte; null when malformed. */
    static String decode(String text) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= text.length()) {
                    return null;
                }
                int hi = Character.digit(text.charAt(i + 1), 16);
                int lo = Character.digit(text.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c > 0xff) {
                return null; // the body was read as ISO-8859-1: no such character comes from it
            } else {
                out.write(c);
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
