package dev.pointsman.config;

/**
 * One {@code log} line: where to send, in which format and length, with which facility and maximum level.
 *
 * @param kind     UDP syslog, a unix datagram socket such as /dev/log, or stdout/stderr
 * @param address  host for UDP, path for UNIX, empty otherwise
 * @param port     UDP port (514 when not given)
 * @param facility syslog facility keyword (kern, user, ..., local0-local7)
 * @param level    the most verbose level sent (emerg..debug); HAProxy's default is debug (all)
 * @param minLevel the least verbose level: more severe messages are sent at this level
 * @param format   on-the-wire format
 * @param maxLength the longest line sent, in bytes: {@code len} (80-65535), else
 *                  {@link #DEFAULT_MAX_LENGTH}; longer lines to a UDP or unix socket are truncated
 *                  (lines to stdout and stderr are not)
 */
public record LogTarget(Kind kind, String address, int port, Facility facility, Level level, Level minLevel, Format format,
                        int maxLength, Source source) {

    /** HAProxy's default line length, which all syslog servers accept. */
    public static final int DEFAULT_MAX_LENGTH = 1024;

    public enum Kind { UDP, UNIX, STDOUT, STDERR }

    /** HAProxy's {@code format} keyword values that Pointsman implements. */
    public enum Format { RFC3164, RFC5424, LOCAL, RAW, SHORT }

    /** syslog facilities in code order (code = ordinal). */
    public enum Facility {
        KERN, USER, MAIL, DAEMON, AUTH, SYSLOG, LPR, NEWS, UUCP, CRON, AUTH2, FTP, NTP, AUDIT, ALERT, CRON2,
        LOCAL0, LOCAL1, LOCAL2, LOCAL3, LOCAL4, LOCAL5, LOCAL6, LOCAL7;

        public int code() {
            return ordinal();
        }

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /** syslog severities in code order (code = ordinal). */
    public enum Level {
        EMERG, ALERT, CRIT, ERR, WARNING, NOTICE, INFO, DEBUG;

        public int code() {
            return ordinal();
        }

        public String keyword() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }
}
