package dev.pointsman.log;

import dev.pointsman.config.LogTarget;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * One log line on the wire, as HAProxy writes it for each {@code format}:
 * <ul>
 *   <li>{@code rfc3164}: {@code <PRI>Mmm dd hh:mm:ss HOSTNAME TAG[PID]: MSG}. HAProxy itself puts the
 *       host name there only with {@code log-send-hostname}; Pointsman always sends one, as RFC 3164
 *       describes (syslog daemons parse both): {@code log-send-hostname}'s name when given, else
 *       the system's.</li>
 *   <li>{@code local}: the same without the host name — what a local syslog daemon expects.</li>
 *   <li>{@code rfc5424}: {@code <PRI>1 ISO-TIMESTAMP HOSTNAME TAG PID - - MSG}.</li>
 *   <li>{@code short}: {@code <LEVEL>MSG} (severity only, as systemd's journal reads stdout).</li>
 *   <li>{@code raw}: {@code MSG}.</li>
 * </ul>
 * PRI is facility × 8 + level. The tag is the proxy's {@code log-tag}, else the global
 * {@code log-tag}, else the program name, {@link #TAG}, as HAProxy's is its own ({@code haproxy}):
 * rsyslog rules that match {@code programname == "haproxy"} need the new name or
 * {@code log-tag haproxy} in the global section.
 */
public final class SyslogFormat {
    /** The tag when no {@code log-tag} is set. */
    public static final String TAG = "pointsman";

    private static final DateTimeFormatter RFC3164 =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter RFC5424 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", Locale.ROOT).withZone(ZoneId.systemDefault());

    private SyslogFormat() {}

    /** The RFC 3164 date of the last second formatted, per thread (a line per connection, a date per second). */
    private static final ThreadLocal<Object[]> SECOND = ThreadLocal.withInitial(() -> new Object[] {Long.MIN_VALUE, ""});

    public static String format(LogTarget.Format format, LogTarget.Facility facility, LogTarget.Level level,
                                long epochMillis, String hostname, String tag, long pid, String message) {
        int pri = facility.code() * 8 + level.code();
        return switch (format) {
            case RFC3164 -> "<" + pri + ">" + rfc3164(epochMillis) + " " + hostname + " " + tag + "[" + pid + "]: "
                    + message;
            case LOCAL -> "<" + pri + ">" + rfc3164(epochMillis) + " " + tag + "[" + pid + "]: " + message;
            case RFC5424 -> "<" + pri + ">1 " + RFC5424.format(Instant.ofEpochMilli(epochMillis)) + " " + hostname + " "
                    + tag + " " + pid + " - - " + message;
            case SHORT -> "<" + level.code() + ">" + message;
            case RAW -> message;
        };
    }

    private static String rfc3164(long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Object[] cache = SECOND.get();
        if ((long) cache[0] != second) {
            cache[0] = second;
            cache[1] = RFC3164.format(Instant.ofEpochSecond(second));
        }
        return (String) cache[1];
    }
}
