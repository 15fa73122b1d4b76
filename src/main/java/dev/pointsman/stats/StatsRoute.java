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
 */
record StatsRoute(Kind kind, boolean refresh) {

    enum Kind { HTML, CSV, JSON, METRICS, NOT_FOUND, METHOD_NOT_ALLOWED, UNAUTHORIZED }

    static StatsRoute of(String method, String target, Optional<String> authorization, StatsConfig config) {
        if (!method.equals("GET") && !method.equals("HEAD")) {
            return new StatsRoute(Kind.METHOD_NOT_ALLOWED, false);
        }
        if (!authorized(authorization, config.auth())) {
            return new StatsRoute(Kind.UNAUTHORIZED, false);
        }
        if (target.equals("/metrics")) {
            return new StatsRoute(Kind.METRICS, false);
        }
        if (!target.startsWith(config.uri())) {
            return new StatsRoute(Kind.NOT_FOUND, false);
        }
        Kind kind = Kind.HTML;
        boolean refresh = config.refresh().isPresent();
        for (String option : target.substring(config.uri().length()).split(";")) {
            switch (option) {
                case "csv" -> kind = Kind.CSV;
                case "json" -> kind = Kind.JSON;
                case "norefresh" -> refresh = false;
                default -> { }
            }
        }
        return new StatsRoute(kind, refresh);
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
