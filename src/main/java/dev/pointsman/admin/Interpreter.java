package dev.pointsman.admin;

import static dev.pointsman.admin.ServerCommands.arg;
import static dev.pointsman.admin.ServerCommands.done;

import dev.pointsman.config.StatsSocket.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The runtime API's command table and dispatch, HAProxy 2.6's words and answers: the command whose
 * words start the line runs if the session's level allows it ({@code Permission denied} otherwise);
 * a line that names none gets HAProxy's usage text; an HAProxy command Pointsman lacks says so. A
 * command that fails answers a line, never a stack trace.
 */
final class Interpreter {
    private static final Logger LOG = LoggerFactory.getLogger("admin");

    /** HAProxy 2.6's commands that Pointsman does not implement, by their leading words. */
    private static final List<List<String>> HAPROXY_ONLY = words(
            "abort ssl", "add acl", "add map", "add server", "add ssl", "clear acl", "clear counters", "clear map",
            "clear table", "commit acl", "commit map", "commit ssl", "del acl", "del map", "del server", "del ssl",
            "disable agent", "disable dynamic-cookie", "disable frontend", "disable health", "enable agent",
            "enable dynamic-cookie", "enable frontend", "enable health", "get acl", "get map", "get var",
            "new ssl", "prepare acl", "prepare map", "set dynamic-cookie-key", "set map", "set maxconn",
            "set profiling", "set rate-limit", "set severity-output", "set ssl", "set table", "show acl",
            "show activity", "show cache", "show cli sockets", "show env", "show errors", "show fd",
            "show libs", "show map", "show peers", "show pools", "show profiling", "show resolvers", "show schema",
            "show servers conn", "show ssl", "show startup-logs", "show table", "show tasks", "show threads",
            "show tls-keys", "show trace", "shutdown frontend", "shutdown session", "trace", "expert-mode",
            "experimental-mode", "debug");

    private final List<Command> commands = new ArrayList<>();

    Interpreter(AdminContext context) {
        commands.addAll(new ShowCommands(context).commands());
        commands.addAll(new ServerCommands(context).commands());
        commands.addAll(sessionCommands());
    }

    List<Command> commands() {
        return commands;
    }

    /** Runs one command (already split from its line at {@code ;}, still escaped); the answer has no trailing prompt. */
    CompletionStage<String> execute(CliSession session, String command) {
        List<String> args = Words.split(command);
        Optional<Command> found = commands.stream().filter(c -> c.matches(args))
                .max((x, y) -> Integer.compare(x.words().size(), y.words().size()));
        if (found.isEmpty()) {
            return done(unknown(args));
        }
        Command c = found.get();
        if (!session.level().allows(c.level())) {
            return done("Permission denied\n");
        }
        CompletionStage<String> answer;
        try {
            answer = c.action().run(session, args);
        } catch (RuntimeException e) {
            answer = CompletableFuture.failedFuture(e);
        }
        return answer.exceptionally(e -> failed(String.join(" ", args), e));
    }

    private String unknown(List<String> args) {
        for (List<String> words : HAPROXY_ONLY) {
            if (args.size() >= words.size() && args.subList(0, words.size()).equals(words)) {
                return "'" + String.join(" ", words) + "' is an HAProxy command that Pointsman does not implement;"
                        + " 'help' lists the commands it knows.\n";
            }
        }
        return Usage.unknown(commands, args);
    }

    private static String failed(String line, Throwable e) {
        Throwable cause = e instanceof java.util.concurrent.CompletionException && e.getCause() != null ? e.getCause() : e;
        if (cause instanceof RejectedExecutionException) {
            return "Pointsman is stopping: nothing was changed.\n";
        }
        LOG.warn("runtime API: '{}' failed", line, cause);
        return "Internal error.\n";
    }

    private List<Command> sessionCommands() {
        return List.of(
                new Command(List.of("help"), null, null, Level.USER,
                        (s, a) -> done(Usage.help(commands, a.subList(1, a.size())))),
                new Command(List.of("prompt"), null, null, Level.USER, (s, a) -> {
                    s.togglePrompt();
                    return done("");
                }),
                new Command(List.of("quit"), null, null, Level.USER, (s, a) -> {
                    s.requestQuit();
                    return done("");
                }),
                new Command(List.of("show", "cli", "level"), "show cli level",
                        "display the level of the current CLI session", Level.USER,
                        (s, a) -> done(s.level().word() + "\n")),
                new Command(List.of("operator"), "operator", "lower the level of the current CLI session to operator",
                        Level.OPERATOR, (s, a) -> lower(s, Level.OPERATOR, a)),
                new Command(List.of("user"), "user", "lower the level of the current CLI session to user",
                        Level.USER, (s, a) -> lower(s, Level.USER, a)),
                new Command(List.of("set", "timeout"), "set timeout [cli] <delay>", "change a timeout setting",
                        Level.USER, (s, a) -> timeout(s, a)),
                new Command(List.of("show", "version"), "show version", "show version of the current process",
                        Level.USER, (s, a) -> done(dev.pointsman.Version.current() + "\n")));
    }

    private static CompletionStage<String> lower(CliSession s, Level to, List<String> a) {
        if (arg(a, 1).equals("-")) {
            s.skipNewlineOnce();
        }
        s.lower(to);
        return done("");
    }

    /** {@code set timeout cli <delay>}: seconds unless a unit follows (us, ms, s, m, h, d), at least one second. */
    private static CompletionStage<String> timeout(CliSession s, List<String> a) {
        if (!arg(a, 2).equals("cli")) {
            return done("'set timeout' only supports 'cli'.\n");
        }
        String text = arg(a, 3);
        if (text.isEmpty()) {
            return done("Expects an integer value.\n");
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d{1,9})(us|ms|s|m|h|d)?").matcher(text);
        if (!m.matches()) {
            return done("Invalid timeout value.\n");
        }
        long n = Long.parseLong(m.group(1));
        String unit = m.group(2) == null ? "s" : m.group(2);
        Duration d = switch (unit) {
            case "us" -> Duration.ofNanos(n * 1000);
            case "ms" -> Duration.ofMillis(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            case "d" -> Duration.ofDays(n);
            default -> Duration.ofSeconds(n);
        };
        if (d.toSeconds() < 1) {
            return done("Invalid timeout value.\n");
        }
        s.timeout(Duration.ofSeconds(d.toSeconds()));
        return done("");
    }

    private static List<List<String>> words(String... lines) {
        return java.util.Arrays.stream(lines).map(l -> List.of(l.split(" "))).toList();
    }
}
