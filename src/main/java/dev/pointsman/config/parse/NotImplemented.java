package dev.pointsman.config.parse;

import java.util.Set;

/**
 * HAProxy keywords that Pointsman recognises but does not implement. Using one is an error that
 * says exactly that, rather than "unknown keyword" (the user did nothing wrong in HAProxy terms)
 * or silence (the configuration would not do what it says).
 */
final class NotImplemented {
    private NotImplemented() {}

    static String message(String keyword, String hint) {
        return "'" + keyword + "' is an HAProxy keyword that Pointsman does not implement"
                + (hint.isEmpty() ? "" : " (" + hint + ")");
    }

    /** Sections other than global, defaults, listen, frontend and backend; their bodies are skipped. */
    static final Set<String> SECTIONS = Set.of("peers", "userlist", "mailers", "cache", "resolvers", "program",
            "http-errors", "ring", "log-forward", "fcgi-app", "crt-store", "traces", "acme", "dynamic-update",
            "namespace_list", "ssl-f-use");

    static final String[] GLOBAL = {"ca-base", "crt-base", "cpu-map", "cpu-policy", "cpu-set", "description",
            "external-check", "h1-case-adjust", "h1-case-adjust-file", "insecure-fork-wanted", "localpeer",
            "lua-load", "lua-load-per-thread", "lua-prepend-path", "master-worker",
            "maxcompcpuusage", "maxcomprate", "maxconnrate", "maxpipes", "maxsessrate", "maxsslconn", "maxsslrate",
            "maxzlibmem", "mworker-max-reloads", "nbproc", "node", "noepoll", "nogetaddrinfo", "nopoll",
            "nosplice", "numa-cpu-mapping", "presetenv", "profiling.tasks", "quiet", "resetenv",
            "server-state-base", "server-state-file", "set-dumpable", "setenv", "spread-checks", "max-spread-checks",
            "ssl-default-bind-ciphers", "ssl-default-bind-ciphersuites", "ssl-default-bind-options",
            "ssl-default-server-ciphers", "ssl-default-server-ciphersuites", "ssl-default-server-options",
            "ssl-dh-param-file", "ssl-engine", "ssl-mode-async", "ssl-server-verify", "busy-polling",
            "ulimit-n", "unix-bind", "unsetenv", "expose-experimental-directives", "thread-groups", "grace",
            "tune.bufsize", "tune.maxrewrite", "tune.ssl.default-dh-param", "tune.ssl.cachesize",
            "tune.maxaccept", "tune.rcvbuf.client", "tune.rcvbuf.server", "tune.sndbuf.client",
            "tune.sndbuf.server", "tune.http.maxhdr", "tune.max-checks-per-thread", "httpclient.resolvers.prefer",
            "ssl-load-extra-files", "zero-warning", "debug"};

    static final String[] PROXY = {"acl", "http-request", "http-response", "http-after-response", "tcp-request",
            "tcp-response", "stick-table", "stick", "cookie", "capture", "errorfile", "errorfiles", "errorloc",
            "errorloc302", "errorloc303", "http-error", "http-reuse", "http-send-name-header", "log-format",
            "log-format-sd", "error-log-format", "log-steps", "monitor-uri", "monitor", "redirect",
            "server-template", "server-state-file-name", "load-server-state-from-file", "hash-type",
            "hash-balance-factor", "hash-preserve-affinity", "source", "fullconn", "dispatch", "id", "description",
            "disabled", "enabled", "persist", "force-persist", "ignore-persist", "rate-limit", "retry-on",
            "unique-id-format", "unique-id-header", "use-server", "email-alert", "filter", "compression",
            "tcp-check", "external-check", "bind-process", "declare", "guid", "max-keep-alive-queue",
            "max-session-srv-conns", "grace", "reqadd", "reqrep", "reqdel", "rspadd", "rsprep",
            "rspdel", "block", "spread-checks", "minconn", "use-fcgi-app", "http-check-send-state", "dynamic-cookie-key",
            "option-template", "trace"};

    static final String[] OPTIONS = {"splice-auto", "splice-request", "splice-response", "allbackups", "httplog",
            "httpslog", "httpclose", "http-server-close", "http-keep-alive", "forceclose", "forwardfor",
            "forwarded", "originalto", "abortonclose", "log-health-checks", "log-separate-errors", "logasap",
            "persist", "prefer-last-server", "socket-stats", "tcp-smart-accept", "tcp-smart-connect", "transparent",
            "independent-streams", "nolinger", "contstats", "checkcache", "http-pretend-keepalive",
            "http-buffer-request", "http-ignore-probes", "http-no-delay", "http-use-proxy-header",
            "http-use-htx", "http-restrict-req-hdr-names", "http-drop-request-trailers",
            "http-drop-response-trailers", "accept-invalid-http-request", "accept-invalid-http-response",
            "accept-unsafe-violations-in-http-request", "accept-unsafe-violations-in-http-response",
            "dontlog-normal", "disable-h2-upgrade", "h1-case-adjust-bogus-client", "h1-case-adjust-bogus-server",
            "idle-close-on-response", "ldap-check", "mysql-check", "redis-check", "smtpchk", "ssl-hello-chk",
            "spop-check", "external-check", "clf"};

    static final String[] TIMEOUTS = {"http-keep-alive", "tarpit", "client-hs"};

    static final String[] SERVER = {"agent-check", "agent-port", "agent-inter", "agent-addr", "agent-send",
            "no-agent-check", "observe", "error-limit", "on-error", "ssl", "no-ssl", "verify", "verifyhost", "crt",
            "ca-file", "crl-file", "sni", "check-ssl", "no-check-ssl", "check-sni", "check-alpn", "check-proto",
            "check-via-socks4", "check-send-proxy", "send-proxy", "send-proxy-v2", "send-proxy-v2-ssl",
            "send-proxy-v2-ssl-cn", "proxy-v2-options", "resolvers", "resolve-prefer", "resolve-net", "resolve-opts",
            "cookie", "id", "redir", "track", "minconn", "namespace", "proto", "source", "usesrc", "tfo",
            "init-state", "pool-low-conn", "pool-max-conn", "pool-purge-delay", "pool-conn-name", "max-reuse",
            "socks4", "alpn", "npn", "ws", "tcp-ut", "non-stick", "stick", "log-proto", "ciphers", "ciphersuites",
            "allow-0rtt", "force-sslv3", "force-tlsv10", "force-tlsv11", "force-tlsv12", "force-tlsv13", "no-sslv3",
            "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13", "ssl-min-ver", "ssl-max-ver", "ssl-reuse",
            "no-ssl-reuse", "tls-tickets", "no-tls-tickets", "curves", "sigalgs", "client-sigalgs", "set-proxy-v2-tlv-fmt",
            "shard", "hash-key", "guid", "strict-maxconn", "idle-ping", "no-send-proxy", "no-send-proxy-v2"};

    static final String[] BIND = {"ssl", "crt", "crt-list", "ca-file", "verify", "alpn", "npn", "accept-proxy",
            "accept-netscaler-cip", "name", "id", "maxconn", "backlog", "interface", "mss", "transparent", "v4v6",
            "v6only", "tfo", "defer-accept", "process", "thread", "user", "group", "mode", "uid", "gid", "level",
            "severity-output", "expose-fd", "ciphers", "ciphersuites", "curves", "ecdhe", "strict-sni",
            "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13", "ssl-min-ver", "ssl-max-ver",
            "prefer-client-ciphers", "allow-0rtt", "nice", "namespace", "proto", "quic-cc-algo", "tcp-ut",
            "generate-certificates", "ca-sign-file", "crl-file", "sigalgs", "guid-prefix", "idle-ping"};

    static final String[] STATS = {"scope", "show-desc", "show-legends", "show-modules", "http-request",
            "bind-process"};

    static final String[] HTTP_CHECK = {"connect", "send-state", "set-var", "set-var-fmt", "unset-var", "comment",
            "disable-on-404"};
}
