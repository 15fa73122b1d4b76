package dev.pointsman.config.parse;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.HealthCheck.Expect;
import dev.pointsman.config.HealthCheck.Header;
import dev.pointsman.config.HealthCheck.RoleCheck;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Health-check keywords, parsed into {@link HealthCheck} for the check package:
 * {@code option httpchk} (0 to 4 arguments, exactly as HAProxy), {@code http-check send},
 * {@code http-check expect}, {@code option pgsql-check}, {@code option tcp-check} without rules
 * (a plain connect), and Pointsman's {@code option pgsql-role-check},
 * {@code option patroni-fast-demote} and {@code option patroni-verify-primary}.
 */
final class CheckKeywords {
    private CheckKeywords() {}

    static final Table<ProxyBuilder> HTTP_CHECK = new Table<ProxyBuilder>("http-check keyword", "http-check ")
            .row("send", "D-LB", CheckKeywords::send)
            .row("expect", "D-LB", CheckKeywords::expect)
            .notImplemented("", NotImplemented.HTTP_CHECK);

    private static final List<String> SEND_OPTIONS = List.of("meth", "uri", "ver", "hdr", "body");
    private static final List<String> EXPECT_OPTIONS = List.of("min-recv", "comment", "ok-status", "error-status",
            "tout-status", "on-success", "on-error", "status-code");
    private static final Pattern STATUS_ITEM = Pattern.compile("(\\d{3})(?:-(\\d{3}))?");

    /** {@code option httpchk [[<method>] <uri> [<version> [<host>]]]}: one argument is the URI. */
    static void httpchk(ProxyBuilder p, Args a) {
        List<String> args = new java.util.ArrayList<>();
        while (a.has()) {
            args.add(a.next(""));
        }
        if (args.size() > 4) {
            throw a.fail("'option httpchk' expects at most <method> <uri> <version> <host>, got " + args.size()
                    + " arguments");
        }
        CheckBuilder c = p.check;
        c.method = args.size() >= 2 ? args.get(0) : HealthCheck.HttpCheck.DEFAULT.method();
        c.uri = args.size() == 1 ? args.get(0) : args.size() >= 2 ? args.get(1) : HealthCheck.HttpCheck.DEFAULT.uri();
        c.version = args.size() >= 3 ? version(a, args.get(2)) : HealthCheck.HttpCheck.DEFAULT.version();
        c.extraHeaders.clear();
        if (args.size() == 4) {
            c.extraHeaders.add(new Header("Host", args.get(3)));
        }
        type(c, a, HealthCheck.Type.HTTP);
    }

    private static String version(Args a, String version) {
        if (version.contains("\r") || version.contains("\n") || version.contains("\\r") || version.contains("\\n")) {
            throw a.fail("'" + a.keyword() + "': headers hidden in the version ('" + version.replace("\r", "\\r")
                    .replace("\n", "\\n") + "') are not supported (use 'http-check send hdr <name> <value>')");
        }
        return version;
    }

    private static void type(CheckBuilder c, Args a, HealthCheck.Type type) {
        c.type = type;
        c.typeSource = a.source();
        c.typeHere = true;
    }

    /** {@code option pgsql-check user <name>}: HAProxy requires the user. */
    static void pgsqlCheck(ProxyBuilder p, Args a) {
        if (!a.accept("user")) {
            throw a.fail("'option pgsql-check' expects 'user <username>' as argument");
        }
        p.check.pgsqlUser = a.next("'user <username>' as argument");
        a.end();
        type(p.check, a, HealthCheck.Type.PGSQL);
    }

    /** {@code option tcp-check} without {@code tcp-check} rules: a plain TCP connect. */
    static void tcpCheck(ProxyBuilder p, Args a) {
        a.end();
        type(p.check, a, HealthCheck.Type.TCP);
    }

    /** {@code option pgsql-role-check user <name> [password <p>] [database <d>] [expect primary|replica]}. */
    static void pgsqlRoleCheck(ProxyBuilder p, Args a) {
        String user = null;
        String password = null;
        String database = "postgres";
        RoleCheck.Role expect = RoleCheck.Role.PRIMARY;
        while (a.has()) {
            String key = a.next("");
            switch (key) {
                case "user" -> user = a.next("<name> after 'user'");
                case "password" -> password = a.next("<password> after 'password'");
                case "database" -> database = a.next("<database> after 'database'");
                case "expect" -> {
                    String role = a.next("primary or replica after 'expect'");
                    expect = switch (role) {
                        case "primary" -> RoleCheck.Role.PRIMARY;
                        case "replica" -> RoleCheck.Role.REPLICA;
                        default -> throw a.fail("'option pgsql-role-check': expect: '" + role
                                + "' (expected: primary or replica)");
                    };
                }
                default -> throw a.fail("'option pgsql-role-check': unknown argument '" + key + "'"
                        + Suggest.didYouMean(key, List.of("user", "password", "database", "expect"))
                        + " (expected: user <name> [password <p>] [database <d>] [expect primary|replica])");
            }
        }
        if (user == null) {
            throw a.fail("'option pgsql-role-check' expects 'user <name>'");
        }
        p.check.role = new RoleCheck(user, Optional.ofNullable(password), database, expect);
        type(p.check, a, HealthCheck.Type.PGSQL_ROLE);
    }

    static void patroniFastDemote(ProxyBuilder p, Args a) {
        a.end();
        p.check.fastDemote = !a.negated();
    }

    static void patroniVerifyPrimary(ProxyBuilder p, Args a) {
        a.end();
        p.check.verifyPrimary = !a.negated();
    }

    /** {@code http-check send [meth <m>] [uri <u>] [ver <v>] [hdr <name> <value>]... [body <string>]}. */
    static void send(ProxyBuilder p, Args a) {
        CheckBuilder c = p.check;
        if (c.sendHere) {
            throw a.fail("only one 'http-check send' per section is supported (multi-step checks are not implemented)");
        }
        c.startRules(a);
        c.sendHere = true;
        while (a.has()) {
            String option = a.next("");
            switch (option) {
                case "meth" -> c.sendMethod = a.next("<method> after 'meth'");
                case "uri" -> c.sendUri = a.next("<uri> after 'uri'");
                case "ver" -> c.sendVersion = version(a, a.next("<version> after 'ver'"));
                case "hdr" -> c.headers.add(new Header(a.next("<name> <value> after 'hdr'"), a.next("<value> after 'hdr <name>'")));
                case "body" -> c.body = a.next("<string> after 'body'");
                case "uri-lf", "body-lf", "comment" -> throw a.fail(NotImplemented.message("http-check send " + option, ""));
                default -> throw a.fail("'http-check send': unknown option '" + option + "'"
                        + Suggest.didYouMean(option, SEND_OPTIONS) + " (expected: meth, uri, ver, hdr or body)");
            }
        }
    }

    /** {@code http-check expect [!] status|rstatus|string|rstring <pattern>}. */
    static void expect(ProxyBuilder p, Args a) {
        CheckBuilder c = p.check;
        if (c.expectHere) {
            throw a.fail("only one 'http-check expect' per section is supported (multi-step checks are not implemented)");
        }
        if (EXPECT_OPTIONS.contains(a.peek())) {
            throw a.fail(NotImplemented.message("http-check expect " + a.peek(), ""));
        }
        boolean negate = a.accept("!");
        String match = a.next("[!] <match> <pattern> (match: status, rstatus, string or rstring)");
        Expect.Kind kind = switch (match) {
            case "status" -> Expect.Kind.STATUS;
            case "rstatus" -> Expect.Kind.RSTATUS;
            case "string" -> Expect.Kind.STRING;
            case "rstring" -> Expect.Kind.RSTRING;
            case "hdr", "fhdr" -> throw a.fail(NotImplemented.message("http-check expect " + match, ""));
            default -> throw a.fail("'http-check expect': unknown match '" + match + "'"
                    + Suggest.didYouMean(match, List.of("status", "rstatus", "string", "rstring"))
                    + " (expected: status, rstatus, string or rstring)");
        };
        String pattern = a.next("a pattern after '" + match + "'");
        a.end();
        switch (kind) {
            case STATUS -> statusList(a, pattern);
            case RSTATUS, RSTRING -> regex(a, pattern);
            default -> { }
        }
        c.startRules(a);
        c.expectHere = true;
        c.expect = new Expect(negate, kind, pattern);
    }

    private static void statusList(Args a, String pattern) {
        for (String item : pattern.split(",", -1)) {
            var m = STATUS_ITEM.matcher(item);
            boolean ok = m.matches();
            if (ok) {
                int lo = Integer.parseInt(m.group(1));
                int hi = m.group(2) == null ? lo : Integer.parseInt(m.group(2));
                ok = lo >= 100 && hi <= 599 && lo <= hi;
            }
            if (!ok) {
                throw a.fail("'http-check expect status': bad status '" + item + "'"
                        + (item.equals(pattern) ? "" : " in '" + pattern + "'") + " (expected: a comma list of codes 100-599 and ranges, e.g. 200 or 200-299,302)");
            }
        }
    }

    private static void regex(Args a, String pattern) {
        try {
            Pattern.compile(pattern);
        } catch (PatternSyntaxException e) {
            throw a.fail("'" + a.keyword() + "': invalid regex '" + pattern + "': " + e.getDescription());
        }
    }
}
