package dev.pointsman.config.parse;

import java.time.Duration;

/** Reading typed arguments, with HAProxy-style messages that name the value and what was expected. */
final class Values {
    private Values() {}

    /** An integer > 0: {@code 'rise' expects an integer > 0, got '0'}. */
    static int positive(Args a) {
        String text = a.next("an integer > 0");
        Long v = parse(text);
        if (v == null || v <= 0 || v > Integer.MAX_VALUE) {
            throw a.fail("'" + a.keyword() + "' expects an integer > 0, got '" + text + "'");
        }
        return v.intValue();
    }

    /** An integer >= 0. */
    static int nonNegative(Args a) {
        String text = a.next("an integer >= 0");
        Long v = parse(text);
        if (v == null || v < 0 || v > Integer.MAX_VALUE) {
            throw a.fail("'" + a.keyword() + "' expects an integer >= 0, got '" + text + "'");
        }
        return v.intValue();
    }

    /** An integer in [min, max]: {@code 'weight': 300 (expected: 0-256)}. */
    static int range(Args a, int min, int max) {
        String text = a.next("an integer in " + min + "-" + max);
        return range(a, text, a.keyword(), min, max);
    }

    static int range(Args a, String text, String what, int min, int max) {
        Long v = parse(text);
        if (v == null || v < min || v > max) {
            throw a.fail(what + ": " + text + " (expected: " + min + "-" + max + ")");
        }
        return v.intValue();
    }

    /** A TCP port: {@code port: 70000 (expected: 1-65535)}. */
    static int port(Args a, String text) {
        return range(a, text, "port", 1, 65535);
    }

    /** A time, {@code Units.Default.MILLIS} when no unit. Zero is allowed. */
    static Duration time(Args a, Units.Default unit) {
        String text = a.next("<time> as argument");
        try {
            return Units.time(text, unit);
        } catch (Units.BadTime e) {
            throw a.fail("'" + a.keyword() + "': " + e.getMessage());
        }
    }

    /** A time > 0: check intervals. */
    static Duration positiveTime(Args a) {
        Duration d = time(a, Units.Default.MILLIS);
        if (d.isZero()) {
            throw a.fail("'" + a.keyword() + "' expects a time > 0, got '0'");
        }
        return d;
    }

    /** Digits with an optional leading minus; null when not an integer or too long. */
    static Long parse(String text) {
        if (!text.matches("-?\\d{1,18}")) {
            return null;
        }
        return Long.parseLong(text);
    }
}
