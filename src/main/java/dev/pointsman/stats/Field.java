package dev.pointsman.stats;

import java.util.EnumSet;
import java.util.Set;

/**
 * The one table of stats fields. Every output reads it: the CSV header is the CSV names in this
 * order (HAProxy 2.6's 101 columns, 0..100, then Pointsman's own), JSON uses the CSV names as
 * keys, Prometheus names are {@code pointsman_<scope>_<prom>} (HAProxy's exporter names with
 * {@code pointsman_} for {@code haproxy_}), and the HTML page picks columns from here.
 *
 * <p>A field with no Prometheus name is not exported; a field Pointsman has no value for stays
 * empty in the CSV and absent from JSON.
 */
enum Field {
    PXNAME("pxname", null, Kind.TEXT, "FBS", "Proxy name"),
    SVNAME("svname", null, Kind.TEXT, "FBS", "FRONTEND, BACKEND or the server name"),
    QCUR("qcur", "current_queue", Kind.GAUGE, "BS", "Connections waiting in the queue now"),
    QMAX("qmax", "max_queue", Kind.GAUGE, "BS", "Most connections ever waiting in the queue"),
    SCUR("scur", "current_sessions", Kind.GAUGE, "FBS", "Sessions now"),
    SMAX("smax", "max_sessions", Kind.GAUGE, "FBS", "Most concurrent sessions since start"),
    SLIM("slim", "limit_sessions", Kind.GAUGE, "FBS", "Configured session limit (maxconn)"),
    STOT("stot", "sessions_total", Kind.COUNTER, "FBS", "Sessions since start"),
    BIN("bin", "bytes_in_total", Kind.COUNTER, "FBS", "Bytes received from clients"),
    BOUT("bout", "bytes_out_total", Kind.COUNTER, "FBS", "Bytes sent to clients"),
    DREQ("dreq", "requests_denied_total", Kind.COUNTER, "FB", "Requests denied"),
    DRESP("dresp", null, Kind.COUNTER, "FBS", "Responses denied"),
    EREQ("ereq", "request_errors_total", Kind.COUNTER, "F", "Invalid requests"),
    ECON("econ", "connection_errors_total", Kind.COUNTER, "BS", "Failed connections to a server, including no server available"),
    ERESP("eresp", null, Kind.COUNTER, "BS", "Invalid responses"),
    WRETR("wretr", "retry_warnings_total", Kind.COUNTER, "BS", "Connection retries"),
    WREDIS("wredis", "redispatch_warnings_total", Kind.COUNTER, "BS", "Retries sent to another server"),
    STATUS("status", "status", Kind.STATE, "FBS", "Frontend OPEN/STOP; backend UP/DOWN; server UP/DOWN/NOLB/MAINT/DRAIN with going up/down steps"),
    WEIGHT("weight", "weight", Kind.GAUGE, "BS", "Server weight, or the sum of the usable active servers' weights"),
    ACT("act", "active_servers", Kind.GAUGE, "BS", "Active servers usable now"),
    BCK("bck", "backup_servers", Kind.GAUGE, "BS", "Backup servers usable now"),
    CHKFAIL("chkfail", "check_failures_total", Kind.COUNTER, "S", "Failed health checks"),
    CHKDOWN("chkdown", "check_up_down_total", Kind.COUNTER, "BS", "UP to DOWN transitions"),
    LASTCHG("lastchg", "check_last_change_seconds", Kind.GAUGE, "BS", "Seconds since the last state change"),
    DOWNTIME("downtime", "downtime_seconds_total", Kind.COUNTER, "BS", "Seconds spent DOWN"),
    QLIMIT("qlimit", "queue_limit", Kind.GAUGE, "S", "Configured maxqueue"),
    PID("pid", null, Kind.ID, "FBS", "Relative process number (1)"),
    IID("iid", null, Kind.ID, "FBS", "Proxy number, in configuration order"),
    SID("sid", null, Kind.ID, "FBS", "Server number in its backend"),
    THROTTLE("throttle", null, Kind.GAUGE, "S", "Slowstart throttle in percent"),
    LBTOT("lbtot", "loadbalanced_total", Kind.COUNTER, "BS", "Times the server was picked by load balancing"),
    TRACKED("tracked", null, Kind.TEXT, "S", "Server this one tracks"),
    TYPE("type", null, Kind.ID, "FBS", "0 frontend, 1 backend, 2 server"),
    RATE("rate", "current_session_rate", Kind.GAUGE, "FBS", "Sessions over the last second"),
    RATE_LIM("rate_lim", null, Kind.GAUGE, "F", "Session rate limit"),
    RATE_MAX("rate_max", "max_session_rate", Kind.GAUGE, "FBS", "Highest session rate"),
    CHECK_STATUS("check_status", "check_status", Kind.STATE, "S", "Status of the last health check (L4OK, L7OK, L7STS, L4CON...)"),
    CHECK_CODE("check_code", "check_code", Kind.GAUGE, "S", "Code of the last health check (HTTP status)"),
    CHECK_DURATION("check_duration", "check_duration_seconds", Kind.MILLIS, "S", "Duration of the last health check"),
    HRSP_1XX("hrsp_1xx", null, Kind.COUNTER, "FBS", "HTTP 1xx responses"),
    HRSP_2XX("hrsp_2xx", null, Kind.COUNTER, "FBS", "HTTP 2xx responses"),
    HRSP_3XX("hrsp_3xx", null, Kind.COUNTER, "FBS", "HTTP 3xx responses"),
    HRSP_4XX("hrsp_4xx", null, Kind.COUNTER, "FBS", "HTTP 4xx responses"),
    HRSP_5XX("hrsp_5xx", null, Kind.COUNTER, "FBS", "HTTP 5xx responses"),
    HRSP_OTHER("hrsp_other", null, Kind.COUNTER, "FBS", "Other HTTP responses"),
    HANAFAIL("hanafail", null, Kind.COUNTER, "S", "Failed health-analysis checks"),
    REQ_RATE("req_rate", null, Kind.GAUGE, "F", "HTTP requests over the last second"),
    REQ_RATE_MAX("req_rate_max", null, Kind.GAUGE, "F", "Highest HTTP request rate"),
    REQ_TOT("req_tot", null, Kind.COUNTER, "FBS", "HTTP requests"),
    CLI_ABRT("cli_abrt", null, Kind.COUNTER, "BS", "Transfers aborted by the client"),
    SRV_ABRT("srv_abrt", null, Kind.COUNTER, "BS", "Transfers aborted by the server"),
    COMP_IN("comp_in", null, Kind.COUNTER, "FB", "Bytes fed to the compressor"),
    COMP_OUT("comp_out", null, Kind.COUNTER, "FB", "Bytes out of the compressor"),
    COMP_BYP("comp_byp", null, Kind.COUNTER, "FB", "Bytes that bypassed the compressor"),
    COMP_RSP("comp_rsp", null, Kind.COUNTER, "FB", "Compressed responses"),
    LASTSESS("lastsess", "last_session_seconds", Kind.GAUGE, "BS", "Seconds since the last session (-1: none yet)"),
    LAST_CHK("last_chk", null, Kind.TEXT, "S", "Short text of the last health check (its info)"),
    LAST_AGT("last_agt", null, Kind.TEXT, "S", "Short text of the last agent check"),
    QTIME("qtime", null, Kind.GAUGE, "BS", "Average queue time (ms)"),
    CTIME("ctime", null, Kind.GAUGE, "BS", "Average connect time (ms)"),
    RTIME("rtime", null, Kind.GAUGE, "BS", "Average response time (ms)"),
    TTIME("ttime", null, Kind.GAUGE, "BS", "Average total time (ms)"),
    AGENT_STATUS("agent_status", null, Kind.TEXT, "S", "Status of the last agent check"),
    AGENT_CODE("agent_code", null, Kind.GAUGE, "S", "Code of the last agent check"),
    AGENT_DURATION("agent_duration", null, Kind.GAUGE, "S", "Duration of the last agent check"),
    CHECK_DESC("check_desc", null, Kind.TEXT, "S", "Description of the last health check status"),
    AGENT_DESC("agent_desc", null, Kind.TEXT, "S", "Description of the last agent check"),
    CHECK_RISE("check_rise", "check_rise", Kind.GAUGE, "S", "Successful checks needed to go UP (rise)"),
    CHECK_FALL("check_fall", "check_fall", Kind.GAUGE, "S", "Failed checks needed to go DOWN (fall)"),
    CHECK_HEALTH("check_health", "check_health", Kind.GAUGE, "S", "Health counter: 0..rise-1 DOWN, rise..rise+fall-1 UP"),
    AGENT_RISE("agent_rise", null, Kind.GAUGE, "S", "Agent rise"),
    AGENT_FALL("agent_fall", null, Kind.GAUGE, "S", "Agent fall"),
    AGENT_HEALTH("agent_health", null, Kind.GAUGE, "S", "Agent health"),
    ADDR("addr", null, Kind.TEXT, "S", "Server address:port"),
    COOKIE("cookie", null, Kind.TEXT, "BS", "Cookie"),
    MODE("mode", null, Kind.TEXT, "FBS", "Proxy mode: tcp or http"),
    ALGO("algo", null, Kind.TEXT, "B", "Load-balancing algorithm"),
    CONN_RATE("conn_rate", null, Kind.GAUGE, "F", "Connections over the last second"),
    CONN_RATE_MAX("conn_rate_max", null, Kind.GAUGE, "F", "Highest connection rate"),
    CONN_TOT("conn_tot", "connections_total", Kind.COUNTER, "F", "Connections accepted"),
    INTERCEPTED("intercepted", null, Kind.COUNTER, "F", "Requests answered by the proxy itself"),
    DCON("dcon", null, Kind.COUNTER, "F", "Connections denied"),
    DSES("dses", null, Kind.COUNTER, "F", "Sessions denied"),
    WREW("wrew", null, Kind.COUNTER, "FBS", "Failed header rewrites"),
    CONNECT("connect", null, Kind.COUNTER, "BS", "Connection attempts"),
    REUSE("reuse", null, Kind.COUNTER, "BS", "Connection reuses"),
    CACHE_LOOKUPS("cache_lookups", null, Kind.COUNTER, "FB", "Cache lookups"),
    CACHE_HITS("cache_hits", null, Kind.COUNTER, "FB", "Cache hits"),
    SRV_ICUR("srv_icur", null, Kind.GAUGE, "S", "Idle connections"),
    SRC_ILIM("src_ilim", null, Kind.GAUGE, "S", "Idle connection limit"),
    QTIME_MAX("qtime_max", null, Kind.GAUGE, "BS", "Longest queue time (ms)"),
    CTIME_MAX("ctime_max", null, Kind.GAUGE, "BS", "Longest connect time (ms)"),
    RTIME_MAX("rtime_max", null, Kind.GAUGE, "BS", "Longest response time (ms)"),
    TTIME_MAX("ttime_max", null, Kind.GAUGE, "BS", "Longest total time (ms)"),
    EINT("eint", null, Kind.COUNTER, "FBS", "Internal errors"),
    IDLE_CONN_CUR("idle_conn_cur", null, Kind.GAUGE, "S", "Unsafe idle connections"),
    SAFE_CONN_CUR("safe_conn_cur", null, Kind.GAUGE, "S", "Safe idle connections"),
    USED_CONN_CUR("used_conn_cur", null, Kind.GAUGE, "S", "Connections in use"),
    NEED_CONN_EST("need_conn_est", null, Kind.GAUGE, "S", "Estimated connections needed"),
    UWEIGHT("uweight", null, Kind.GAUGE, "BS", "Configured weight"),
    AGG_SERVER_CHECK_STATUS("agg_server_check_status", null, Kind.GAUGE, "B", "Aggregated server status"),
    // ---- Pointsman's own fields, after HAProxy's ----
    STANDING("standing", "standing", Kind.STATE, "S",
            "What the server's state means for a Patroni cluster: UP, DOWN (a failure), STANDBY (a healthy node of"
                    + " the other role, e.g. a replica behind the primary port), MAINT, DRAIN"),
    STANDING_DESC("standing_desc", null, Kind.TEXT, "S", "The standing as the page shows it, e.g. STANDBY (replica)"),
    PATRONI_ROLE("patroni_role", "patroni_role", Kind.STATE, "S", "Patroni role: primary, replica, standby_leader"),
    PATRONI_STATE("patroni_state", "patroni_state", Kind.STATE, "S", "Patroni's PostgreSQL state: running, starting, stopped..."),
    PATRONI_TIMELINE("patroni_timeline", "patroni_timeline", Kind.GAUGE, "S", "PostgreSQL timeline"),
    PATRONI_LAG("patroni_lag", "patroni_lag_bytes", Kind.GAUGE, "S", "Replication lag behind the primary, in bytes"),
    PATRONI_PENDING_RESTART("patroni_pending_restart", "patroni_pending_restart", Kind.GAUGE, "S",
            "1 when a setting waits for a PostgreSQL restart"),
    PATRONI_SOURCE("patroni_source", null, Kind.TEXT, "S", "Where the Patroni fields come from (check, cluster)"),
    SPLIT_BRAIN("split_brain", "split_brain_total", Kind.COUNTER, "B",
            "Split brains seen in the Patroni cluster behind the backend: a leader running on a lower timeline than"
                    + " one already promoted, or two running leaders at once"),
    SPLIT_BRAIN_UNACKED("split_brain_unacked", "split_brain_unacknowledged", Kind.GAUGE, "B",
            "Split-brain alerts not acknowledged yet (POST <stats uri>;ack-alerts, with stats admin)"),
    SPLIT_BRAIN_LAST("split_brain_last", null, Kind.TEXT, "B", "The last split-brain alert"),
    SPLIT_BRAIN_LAST_AT("split_brain_last_at", null, Kind.TEXT, "B", "When the last split-brain alert was raised (UTC)"),
    PRIMARY_CHANGES("primary_changes", "primary_changes_total", Kind.COUNTER, "B",
            "Changes of primary seen on this primary pool since start (the switchover report)"),
    PRIMARY_LAST_AT("primary_last_at", null, Kind.TEXT, "B", "When the last change of primary took effect (UTC)"),
    PRIMARY_LAST("primary_last", null, Kind.TEXT, "B", "The last change of primary: old -> new server (how it was learnt)"),
    PRIMARY_LAST_GAP("primary_last_gap", "primary_last_gap_seconds", Kind.MILLIS, "B",
            "The last change of primary: time with no primary, from the old one out to the new one usable (ms in CSV)"),
    PRIMARY_LAST_WAIT("primary_last_wait", "primary_last_longest_wait_seconds", Kind.MILLIS, "B",
            "The last change of primary: the longest wait in the queue over its window (ms in CSV)"),
    PRIMARY_LAST_HELD("primary_last_held", "primary_last_held_sessions", Kind.GAUGE, "B",
            "The last change of primary: sessions held in the queue that then got a server"),
    PRIMARY_LAST_CUT("primary_last_cut", "primary_last_cut_sessions", Kind.GAUGE, "B",
            "The last change of primary: sessions cut on the old primary"),
    PRIMARY_LAST_FAILED("primary_last_failed", "primary_last_failed_sessions", Kind.GAUGE, "B",
            "The last change of primary: sessions that ended without a server (queue timeout, connect failure)"),
    PRIMARY_LAST_RETRIED("primary_last_retried", "primary_last_retried_sessions", Kind.GAUGE, "B",
            "The last change of primary: failed or refused connects tried again (requeue, retry, replay)");

    /** How a value is typed and exported. */
    enum Kind {
        /** A string, never exported to Prometheus. */
        TEXT,
        /** An identifier number, never exported. */
        ID,
        GAUGE,
        COUNTER,
        /** A gauge in milliseconds, exported in seconds. */
        MILLIS,
        /** A string state exported as one sample per possible state, labelled {@code state}, 1 for the current one. */
        STATE
    }

    /** The last of HAProxy 2.6's columns; Pointsman's own follow it. */
    static final Field LAST_HAPROXY = AGG_SERVER_CHECK_STATUS;

    private final String csv;
    private final String prom;
    private final Kind kind;
    private final Set<Scope> scopes;
    private final String help;

    Field(String csv, String prom, Kind kind, String scopes, String help) {
        this.csv = csv;
        this.prom = prom;
        this.kind = kind;
        this.help = help;
        Set<Scope> s = EnumSet.noneOf(Scope.class);
        for (char c : scopes.toCharArray()) {
            s.add(Scope.of(c));
        }
        this.scopes = s;
    }

    String csv() {
        return csv;
    }

    /** The Prometheus name without prefix and scope; null when not exported. */
    String prom() {
        return prom;
    }

    Kind kind() {
        return kind;
    }

    String help() {
        return help;
    }

    boolean appliesTo(Scope scope) {
        return scopes.contains(scope);
    }

    boolean haproxy() {
        return ordinal() <= LAST_HAPROXY.ordinal();
    }
}
