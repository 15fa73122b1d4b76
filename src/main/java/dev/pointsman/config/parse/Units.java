package dev.pointsman.config.parse;

import java.time.Duration;

/**
 * HAProxy's time format: an integer followed by an optional unit ({@code us ms s m h d}); without
 * a unit the keyword's default applies (milliseconds for timeouts and check intervals, seconds for
 * {@code stats refresh}). Like HAProxy, a non-zero value below 1 ms and a value above
 * 2147483647 ms (about 24.8 days) are refused.
 */
final class Units {
    static final long MAX_MILLIS = Integer.MAX_VALUE;

    /** The unit applied when a number has none. */
    enum Default { MILLIS, SECONDS }

    private Units() {}

    /** Thrown with the reason only; the caller adds the keyword. */
    static final class BadTime extends Exception {
        BadTime(String reason) {
            super(reason, null, false, false);
        }
    }

    static Duration time(String text, Default unit) throws BadTime {
        int i = 0;
        while (i < text.length() && Character.isDigit(text.charAt(i))) {
            i++;
        }
        if (i == 0) {
            throw new BadTime("'" + text + "' is not a time (expected: <number>[us|ms|s|m|h|d], e.g. 3s)");
        }
        if (i > 15) {
            throw tooLarge(text);
        }
        long n = Long.parseLong(text.substring(0, i));
        String suffix = text.substring(i);
        long micros;
        switch (suffix) {
            case "us" -> micros = n;
            case "ms" -> micros = n * 1_000;
            case "s" -> micros = n * 1_000_000;
            case "m" -> micros = mul(n, 60_000_000L, text);
            case "h" -> micros = mul(n, 3_600_000_000L, text);
            case "d" -> micros = mul(n, 86_400_000_000L, text);
            case "" -> micros = unit == Default.SECONDS ? n * 1_000_000 : n * 1_000;
            default -> throw new BadTime("unknown time unit '" + suffix + "' in '" + text
                    + "' (expected: us, ms, s, m, h or d)");
        }
        if (micros > 0 && micros < 1_000) {
            throw new BadTime("'" + text + "' is below the minimum non-null value of 1ms");
        }
        if (micros / 1_000 > MAX_MILLIS) {
            throw tooLarge(text);
        }
        return Duration.ofNanos(micros * 1_000);
    }

    private static long mul(long n, long factor, String text) throws BadTime {
        if (n > Long.MAX_VALUE / factor) {
            throw tooLarge(text);
        }
        return n * factor;
    }

    private static BadTime tooLarge(String text) {
        return new BadTime("'" + text + "' is too large (maximum: 2147483647ms, about 24.8 days)");
    }
}
