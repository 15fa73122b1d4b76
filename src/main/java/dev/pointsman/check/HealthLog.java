package dev.pointsman.check;

/**
 * HAProxy's wording for health events ({@code src/server.c} {@code srv_append_status},
 * {@code src/check.c} {@code check_append_info}), so that existing greps and dashboards keep
 * working. Pure: the counts only the backend knows are passed in.
 *
 * <pre>
 * Server primary/pg-1 is DOWN, reason: Layer7 wrong status, code: 503, info: "Service Unavailable", check duration: 2ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue.
 * Server primary/pg-1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.
 * </pre>
 */
public final class HealthLog {
    private HealthLog() {}

    /**
     * What the backend knows at the moment of the change.
     *
     * @param active         non-backup servers UP after the change
     * @param backup         backup servers UP after the change
     * @param sessionsActive sessions still on the server (DOWN line)
     * @param requeued       queued requests moved to other servers
     * @param queued         requests still waiting in the server's queue
     */
    public record ServerCounts(int active, int backup, int sessionsActive, int requeued, int queued) {}

    /** The line logged when a check changes a server's state ({@code report.changed()}). */
    public static String stateChange(CheckReport report, ServerCounts counts) {
        StringBuilder sb = new StringBuilder(200);
        boolean down = report.current() == OperationalState.DOWN;
        sb.append(report.backup() ? "Backup " : "").append("Server ").append(report.backend()).append('/')
                .append(report.server()).append(" is ").append(down ? "DOWN" : "UP");
        appendInfo(sb, report.result());
        return sb.append(counts(down, counts)).append('.').toString();
    }

    /**
     * What follows a state line, HAProxy's {@code srv_append_status}: for a server now DOWN
     * {@code . N active and M backup servers left.[ Running on backup.] S sessions active, R
     * requeued, Q remaining in queue}, for one now UP {@code . N active and M backup servers
     * online.[ Running on backup.] R sessions requeued, Q total in queue} (no final period).
     */
    public static String counts(boolean down, ServerCounts counts) {
        StringBuilder sb = new StringBuilder(120);
        String onBackup = counts.backup() > 0 && counts.active() == 0 ? " Running on backup." : "";
        if (down) {
            sb.append(". ").append(counts.active()).append(" active and ").append(counts.backup())
                    .append(" backup servers left.").append(onBackup).append(' ').append(counts.sessionsActive())
                    .append(" sessions active, ").append(counts.requeued()).append(" requeued, ")
                    .append(counts.queued()).append(" remaining in queue");
        } else {
            sb.append(". ").append(counts.active()).append(" active and ").append(counts.backup())
                    .append(" backup servers online.").append(onBackup).append(' ').append(counts.requeued())
                    .append(" sessions requeued, ").append(counts.queued()).append(" total in queue");
        }
        return sb.toString();
    }

    /** The line of {@code option log-health-checks} for a check that moved the counter. */
    public static String checkLine(CheckReport report) {
        StringBuilder sb = new StringBuilder(160);
        sb.append("Health check for ").append(report.backup() ? "backup " : "").append("server ")
                .append(report.backend()).append('/').append(report.server()).append(' ')
                .append(report.result().passed() ? "succeeded" : "failed");
        appendInfo(sb, report.result());
        HealthState s = report.state();
        boolean up = s.up();
        sb.append(", status: ").append(up ? s.health() - s.rise() + 1 : s.health()).append('/')
                .append(up ? s.fall() : s.rise()).append(' ').append(up ? "UP" : "DOWN");
        return sb.append('.').toString();
    }

    /** {@code , reason: X[, code: N][, info: "..."], check duration: Nms}. */
    static void appendInfo(StringBuilder sb, CheckResult result) {
        sb.append(", reason: ").append(result.status().description());
        if (result.status().reportsCode()) {
            sb.append(", code: ").append(result.code().orElse(0));
        }
        if (!result.info().isEmpty()) {
            sb.append(", info: \"");
            asciiEncode(sb, result.info());
            sb.append('"');
        }
        sb.append(", check duration: ").append(result.duration().toMillis()).append("ms");
    }

    /** HAProxy's {@code chunk_asciiencode}: non-printable bytes, '<', '>' and '"' as {@code <XX>}. */
    static void asciiEncode(StringBuilder sb, String text) {
        for (byte b : text.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x20 || c > 0x7e || c == '<' || c == '>' || c == '"') {
                sb.append('<').append(String.format("%02X", c)).append('>');
            } else {
                sb.append((char) c);
            }
        }
    }
}
