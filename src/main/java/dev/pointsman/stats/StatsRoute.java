package dev.pointsman.stats;

import dev.pointsman.config.StatsConfig;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * What a request to a stats listener asks for, decided before any rendering: pure, so it is
 * tested without a socket. {@code /metrics} is Prometheus; a target starting with the stats URI
 * is the page, with options after {@code ;} ({@code csv}, {@code json}, {@code norefresh}).
 *
 * <p>The page acts on a {@code POST}, for a client that passed {@code stats auth}:
 * <ul>
 *   <li>to {@code <uri>}: HAProxy's server actions ({@link Kind#ACTION}, see {@link PagePost}) where
 *       {@code stats admin} allows, else {@link Kind#DENY} (answered, as in HAProxy, with a redirect to
 *       {@code <uri>;st=DENY});
 *   <li>to {@code <uri>;ack-alerts} (every backend) or {@code <uri>;ack-alerts=BACKEND}: Pointsman's
 *       acknowledgement of split-brain alerts where {@code stats admin} allows (403 otherwise).
 * </ul>
 * A POST to {@code /metrics} is 405; a GET never acts. A GET of {@code <uri>;st=CODE} shows the
 * outcome of the POST that redirected there ({@link PageStatus}).
 *
 * @param ackBackend for {@link Kind#ACK}: the backend whose alerts are acknowledged; empty for all
 * @param status     the outcome the page shows ({@code ;st=}), for {@link Kind#HTML}
 */
record StatsRoute(Kind kind, boolean refresh, Optional<String> ackBackend, Optional<PageStatus> status) {
    static final String ACK_ALERTS = "ack-alerts";

    enum Kind { HTML, CSV, JSON, METRICS, ACK, ACTION, DENY, NOT_FOUND, METHOD_NOT_ALLOWED, UNAUTHORIZED, FORBIDDEN }

    StatsRoute(Kind kind, boolean refresh) {
        this(kind, refresh, Optional.empty(), Optional.empty());
    }

    StatsRoute(Kind kind, boolean refresh, Optional<String> ackBackend) {
        this(kind, refresh, ackBackend, Optional.empty());
    }

    /** @param loopbackClient the client connects from a loopback address (HAProxy's {@code LOCALHOST}) */
    static StatsRoute of(String method, String target, Optional<String> authorization, StatsConfig config,
                         boolean loopbackClient) {
        boolean post = method.equals("POST");
        if (!post && !method.equals("GET") && !method.equals("HEAD")) {
            return new StatsRoute(Kind.METHOD_NOT_ALLOWED, false);
        }
        if (!authorized(authorization, config.auth())) {
            return new StatsRoute(Kind.UNAUTHORIZED, false);
        }
        if (target.equals("/metrics")) {
            return new StatsRoute(post ? Kind.METHOD_NOT_ALLOWED : Kind.METRICS, false);
        }
        if (!target.startsWith(config.uri())) {
            return new StatsRoute(Kind.NOT_FOUND, false);
        }
        Kind kind = Kind.HTML;
        boolean refresh = config.refresh().isPresent();
        Optional<String> ack = null;
        Optional<PageStatus> status = Optional.empty();
        for (String option : target.substring(config.uri().length()).split(";")) {
            switch (option) {
                case "csv" -> kind = Kind.CSV;
                case "json" -> kind = Kind.JSON;
                case "norefresh" -> refresh = false;
                case ACK_ALERTS -> ack = Optional.empty();
                default -> {
                    if (option.startsWith(ACK_ALERTS + "=") && option.length() > ACK_ALERTS.length() + 1) {
                        ack = Optional.of(option.substring(ACK_ALERTS.length() + 1));
                    } else if (option.startsWith("st=") && status.isEmpty()) {
                        status = PageStatus.of(option.substring(3));
                    }
                }
            }
        }
        if (!post) {
            return new StatsRoute(kind, refresh, Optional.empty(), kind == Kind.HTML ? status : Optional.empty());
        }
        boolean admin = config.admin().allows(loopbackClient);
        if (ack == null) {
            return new StatsRoute(admin ? Kind.ACTION : Kind.DENY, refresh);
        }
        return admin ? new StatsRoute(Kind.ACK, false, ack) : new StatsRoute(Kind.FORBIDDEN, false);
    }

    /** HTTP Basic against the {@code stats auth} accounts; no account configured means open. */
    static boolean authorized(Optional<String> header, List<StatsConfig.Account> accounts) {
        if (accounts.isEmpty()) {
            return true;
        }
        if (header.isEmpty() || !header.get().regionMatches(true, 0, "Basic ", 0, 6)) {
            return false;
        }
        byte[] given;
        try {
            given = Base64.getDecoder().decode(header.get().substring(6).trim());
        } catch (IllegalArgumentException e) {
            return false;
        }
        boolean ok = false;
        for (StatsConfig.Account a : accounts) {
            byte[] expected = (a.user() + ":" + a.password()).getBytes(StandardCharsets.UTF_8);
            ok |= MessageDigest.isEqual(expected, given);
        }
        return ok;
    }
}
