package dev.pointsman.log;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * HAProxy's {@code option tcplog} line:
 * {@code %ci:%cp [%t] %ft %b/%s %Tw/%Tc/%Tt %B %ts %ac/%fc/%bc/%sc/%rc %sq/%bq}, e.g.
 * {@code 127.0.0.1:40312 [26/Nov/2026:21:14:02.117] primary primary/pg-1 0/1/5012 2314 -- 1/1/1/1/0 0/0}.
 */
public final class TcpLogFormat {
    private static final DateTimeFormatter ACCEPT_SECOND =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.", Locale.ROOT).withZone(ZoneId.systemDefault());

    /** The formatted second, per thread: formatting a date costs more than the rest of the line. */
    private static final ThreadLocal<Object[]> SECOND = ThreadLocal.withInitial(() -> new Object[] {Long.MIN_VALUE, ""});

    static void appendAcceptDate(StringBuilder sb, long epochMillis) {
        long second = Math.floorDiv(epochMillis, 1000);
        Object[] cache = SECOND.get();
        if ((long) cache[0] != second) {
            cache[0] = second;
            cache[1] = ACCEPT_SECOND.format(Instant.ofEpochSecond(second));
        }
        int millis = (int) Math.floorMod(epochMillis, 1000);
        sb.append((String) cache[1]);
        if (millis < 100) {
            sb.append('0');
        }
        if (millis < 10) {
            sb.append('0');
        }
        sb.append(millis);
    }

    private TcpLogFormat() {}

    public static String format(TcpLogRecord r) {
        StringBuilder sb = new StringBuilder(160);
        if (r.client() != null) {
            sb.append(r.client().getAddress().getHostAddress()).append(':').append(r.client().getPort());
        } else {
            sb.append("-:-");
        }
        sb.append(" [");
        appendAcceptDate(sb, r.acceptEpochMillis());
        sb.append("] ")
                .append(r.frontend()).append(' ')
                .append(r.backend()).append('/').append(r.server()).append(' ')
                .append(r.queueMillis()).append('/').append(r.connectMillis()).append('/').append(r.totalMillis())
                .append(' ').append(r.bytesToClient()).append(' ').append(r.termination()).append(' ')
                .append(r.actconn()).append('/').append(r.feconn()).append('/').append(r.beconn()).append('/')
                .append(r.srvconn()).append('/').append(r.retries()).append(' ')
                .append(r.srvQueue()).append('/').append(r.backendQueue());
        return sb.toString();
    }
}
