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
    private static final DateTimeFormatter ACCEPT_DATE =
            DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneId.systemDefault());

    private TcpLogFormat() {}

    public static String format(TcpLogRecord r) {
        StringBuilder sb = new StringBuilder(160);
        if (r.client() != null) {
            sb.append(r.client().getAddress().getHostAddress()).append(':').append(r.client().getPort());
        } else {
            sb.append("-:-");
        }
        sb.append(" [").append(ACCEPT_DATE.format(Instant.ofEpochMilli(r.acceptEpochMillis()))).append("] ")
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
