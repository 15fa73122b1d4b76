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
 *       host name there only with {@code log-send-hostname}; Pointsman always sends it, as RFC 3164
 *       describes (syslog daemons parse both).</li>
 *   <li>{@code local}: the same without the host name — what a local syslog daemon expects.</li>
 *   <li>{@code rfc5424}: {@code <PRI>1 ISO-TIMESTAMP HOSTNAME TAG PID - - MSG}.</li>
 *   <li>{@code short}: {@code <LEVEL>MSG} (severity only, as systemd's journal reads stdout).</li>
 *   <li>{@code raw}: {@code MSG}.</li>
 * </ul>
 * PRI is facility × 8 + level. The tag is the program name, {@code pointsman}, as HAProxy's is its
 * own ({@code haproxy}): rsyslog rules that match {@code programname == "haproxy"} need the new name.
 */
public final class SyslogFormat {
    public static final String TAG = "pointsman";

    private static final DateTimeFormatter RFC3164 =
            DateTimeFormatter.ofPattern("MMM ppd HH:mm:ss", Locale.ROOT).withZone(ZoneId.systemDefault());
    private static final DateTimeFormatter RFC5424 =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX", Locale.ROOT).withZone(ZoneId.systemDefault());

    private SyslogFormat() {}

    public static String format(LogTarget.Format format, LogTarget.Facility facility, LogTarget.Level level,
                                Instant when, String hostname, long pid, String message) {
        int pri = facility.code() * 8 + level.code();
        return switch (format) {
            case RFC3164 -> "<" + pri + ">" + RFC3164.format(when) + " " + hostname + " " + TAG + "[" + pid + "]: " + message;
            case LOCAL -> "<" + pri + ">" + RFC3164.format(when) + " " + TAG + "[" + pid + "]: " + message;
            case RFC5424 -> "<" + pri + ">1 " + RFC5424.format(when) + " " + hostname + " " + TAG + " " + pid + " - - "
                    + message;
            case SHORT -> "<" + level.code() + ">" + message;
            case RAW -> message;
        };
    }
}
