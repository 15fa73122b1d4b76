package dev.pointsman.check;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.HealthCheck.Expect;
import dev.pointsman.net.HttpAnswer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The verdict on an HTTP answer: HAProxy's {@code http-check expect} rule, then Pointsman's two
 * Patroni rules. Built once per backend (patterns compiled up front), pure afterwards.
 *
 * <p>HAProxy's expect semantics ({@code tcpcheck_eval_expect_http}):
 * <ul>
 *   <li>no expect: 2xx and 3xx pass (L7OK), anything else is L7STS with the reason phrase as info;</li>
 *   <li>{@code status} a comma list of codes and ranges, {@code rstatus} a regex searched in the
 *       three status digits: a mismatch is L7STS with the reason phrase;</li>
 *   <li>{@code string} / {@code rstring} search the body: a mismatch is L7RSP "HTTP content check
 *       did not match" ("HTTP check matched unwanted content" when negated); no body at all is
 *       L7RSP "HTTP content check could not find a response body";</li>
 *   <li>{@code !} negates the match.</li>
 * </ul>
 *
 * <p>The Patroni rules look at the JSON body, so answers to OPTIONS/HEAD (a bare status line) are
 * judged by their status only. Where they apply is decided by {@link PoolKind}:
 * <ul>
 *   <li><b>fast demote</b> ({@link HealthCheck.PatroniRules#fastDemote()}): on a primary check a
 *       failed 503 whose body names a role other than master/primary, and on a replica check any
 *       answer whose body names master/primary, force the server DOWN on this check;</li>
 *   <li><b>verify primary</b> ({@link HealthCheck.PatroniRules#verifyPrimary()}): on a primary
 *       check a passing answer with a JSON body passes only if it says role master/primary and
 *       state running (Patroni answers 200 as soon as it holds the leader key, before promotion
 *       finished: patroni#2972). Such a failure is an ordinary one and follows rise/fall.</li>
 * </ul>
 */
final class HttpJudge {
    private final Optional<Expect> expect;
    private final List<int[]> statusRanges = new ArrayList<>();
    private final Pattern regex;
    private final String literal;
    private final HealthCheck.PatroniRules rules;
    private final PoolKind pool;

    HttpJudge(HealthCheck.HttpCheck http, HealthCheck.PatroniRules rules) {
        this.expect = http.expect();
        this.rules = rules;
        this.pool = PoolKind.of(http.uri());
        Pattern p = null;
        String lit = null;
        if (expect.isPresent()) {
            Expect e = expect.get();
            switch (e.kind()) {
                case STATUS -> parseStatusList(e.pattern());
                case RSTATUS, RSTRING -> p = Pattern.compile(latin1(e.pattern()));
                case STRING -> lit = latin1(e.pattern());
            }
        }
        this.regex = p;
        this.literal = lit;
    }

    PoolKind pool() {
        return pool;
    }

    ProbeOutcome judge(HttpAnswer answer, Duration duration) {
        CheckResult base = expectation(answer, duration);
        Optional<PatroniStatus> patroni = answer.hasBody() && looksLikeJson(answer)
                ? PatroniStatus.parse(answer.body()) : Optional.empty();
        if (patroni.isEmpty() || patroni.get().role().isEmpty()) {
            return new ProbeOutcome(base, false, patroni);
        }
        PatroniStatus p = patroni.get();
        String role = p.role().get();
        if (rules.fastDemote() && pool == PoolKind.PRIMARY && answer.status() == 503 && !base.passed()
                && !p.isPrimary()) {
            return new ProbeOutcome(base, true, patroni);
        }
        if (rules.fastDemote() && pool == PoolKind.REPLICA && p.isPrimary()) {
            CheckResult demoted = CheckResult.of(CheckStatus.L7STS, answer.status(),
                    "Patroni role " + role + " on a replica check", duration);
            return new ProbeOutcome(demoted, true, patroni);
        }
        if (rules.verifyPrimary() && pool == PoolKind.PRIMARY && base.passed() && !(p.isPrimary() && p.isRunning())) {
            CheckResult notYet = CheckResult.of(CheckStatus.L7STS, answer.status(),
                    "Patroni role " + role + ", state " + p.state().orElse("unknown")
                            + " (expected: primary, running)", duration);
            return new ProbeOutcome(notYet, false, patroni);
        }
        return new ProbeOutcome(base, false, patroni);
    }

    private CheckResult expectation(HttpAnswer a, Duration duration) {
        if (expect.isEmpty()) {
            boolean ok = a.status() >= 200 && a.status() < 400;
            return ok ? CheckResult.of(CheckStatus.L7OK, a.status(), "", duration)
                    : CheckResult.of(CheckStatus.L7STS, a.status(), a.reason(), duration);
        }
        Expect e = expect.get();
        switch (e.kind()) {
            case STATUS, RSTATUS -> {
                boolean match = e.kind() == Expect.Kind.STATUS ? statusMatches(a.status())
                        : regex.matcher(a.statusText()).find();
                return match != e.negate() ? CheckResult.of(CheckStatus.L7OK, a.status(), "", duration)
                        : CheckResult.of(CheckStatus.L7STS, a.status(), a.reason(), duration);
            }
            default -> {
                if (!a.hasBody()) {
                    return CheckResult.of(CheckStatus.L7RSP, a.status(),
                            "HTTP content check could not find a response body", duration);
                }
                String body = a.bodyLatin1();
                boolean match = e.kind() == Expect.Kind.STRING ? body.contains(literal) : regex.matcher(body).find();
                if (match != e.negate()) {
                    return CheckResult.of(CheckStatus.L7OK, a.status(), "", duration);
                }
                return CheckResult.of(CheckStatus.L7RSP, a.status(),
                        e.negate() ? "HTTP check matched unwanted content" : "HTTP content check did not match",
                        duration);
            }
        }
    }

    private boolean statusMatches(int status) {
        for (int[] r : statusRanges) {
            if (status >= r[0] && status <= r[1]) {
                return true;
            }
        }
        return false;
    }

    private void parseStatusList(String pattern) {
        for (String part : pattern.split(",")) {
            String p = part.strip();
            if (p.isEmpty()) {
                continue;
            }
            int dash = p.indexOf('-');
            try {
                int lo = Integer.parseInt(dash < 0 ? p : p.substring(0, dash).strip());
                int hi = dash < 0 ? lo : Integer.parseInt(p.substring(dash + 1).strip());
                if (lo > hi) {
                    throw new IllegalArgumentException("http-check expect status: range " + p + " (expected: low-high)");
                }
                statusRanges.add(new int[] {lo, hi});
            } catch (NumberFormatException ex) {
                throw new IllegalArgumentException(
                        "http-check expect status: '" + p + "' (expected: a code or a range such as 200-399)", ex);
            }
        }
        if (statusRanges.isEmpty()) {
            throw new IllegalArgumentException("http-check expect status: '" + pattern + "' (expected: codes)");
        }
    }

    /** A JSON content type, or a body that starts with an object: worth reading as Patroni's status. */
    private static boolean looksLikeJson(HttpAnswer answer) {
        String type = answer.header("content-type").orElse("").toLowerCase(Locale.ROOT);
        if (type.contains("json")) {
            return true;
        }
        for (byte b : answer.body()) {
            if (b == ' ' || b == '\t' || b == '\r' || b == '\n') {
                continue;
            }
            return b == '{';
        }
        return false;
    }

    /** Patterns are matched against bytes-as-chars (ISO-8859-1), like HAProxy matches bytes. */
    private static String latin1(String s) {
        return new String(s.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);
    }
}
