package dev.pointsman.config.parse;

import dev.pointsman.config.PatroniView;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * {@code patroni-view off | auto | url <http://host:port>[,...]} followed, except after {@code off},
 * by options {@code interval <time>}, {@code max-lag <size>|<time>} (once as a size, once as a
 * time at most), {@code lag-grace <time>} and {@code calm-interval <time>}. A size is bytes, or a number with {@code B},
 * {@code kB}, {@code MB}, {@code GB} or {@code TB} (1024-based, as Patroni's {@code ?lag=}); a time
 * needs one of HAProxy's units ({@code 500ms}, {@code 10s}): a bare number is bytes, as in Patroni.
 * Each line replaces the whole setting.
 */
final class PatroniViewKeyword {
    private static final String MODES = "off, auto or url <http://host:port>[,...]";
    private static final List<String> OPTIONS = List.of("interval", "max-lag", "lag-grace", "calm-interval");
    private static final String[] SIZE_UNITS = {"tb", "gb", "mb", "kb", "b"};

    private PatroniViewKeyword() {}

    static void patroniView(ProxyBuilder p, Args a) {
        String mode = a.next(MODES);
        PatroniView.Mode m;
        List<URI> urls = List.of();
        switch (mode) {
            case "off" -> {
                a.end();
                p.patroniView = new PatroniView(PatroniView.Mode.OFF, List.of(), Optional.empty(), OptionalLong.empty(),
                        Optional.empty(), PatroniView.AUTO.lagGrace(), PatroniView.CALM_INTERVAL);
                return;
            }
            case "auto" -> m = PatroniView.Mode.AUTO;
            case "url" -> {
                m = PatroniView.Mode.URLS;
                urls = urls(a, a.next("<http://host:port>[,...] after 'url'"));
            }
            default -> throw a.fail("'patroni-view': unknown mode '" + mode + "' (expected: " + MODES + ")"
                    + Suggest.didYouMean(mode, List.of("off", "auto", "url")));
        }
        Optional<Duration> interval = Optional.empty();
        OptionalLong maxLagBytes = OptionalLong.empty();
        Optional<Duration> maxLagTime = Optional.empty();
        Duration grace = PatroniView.AUTO.lagGrace();
        Duration calm = PatroniView.CALM_INTERVAL;
        while (a.has()) {
            String option = a.next("");
            switch (option) {
                case "interval" -> {
                    a.keyword("patroni-view interval");
                    interval = Optional.of(Values.positiveTime(a));
                }
                case "lag-grace" -> {
                    a.keyword("patroni-view lag-grace");
                    grace = Values.time(a, Units.Default.MILLIS);
                }
                case "calm-interval" -> {
                    a.keyword("patroni-view calm-interval");
                    calm = Values.time(a, Units.Default.MILLIS);
                }
                case "max-lag" -> {
                    String text = a.next("<size>|<time> after 'max-lag'");
                    if (isSize(text)) {
                        if (maxLagBytes.isPresent()) {
                            throw a.fail("'patroni-view': max-lag given twice as a size");
                        }
                        maxLagBytes = OptionalLong.of(size(a, text));
                    } else {
                        if (maxLagTime.isPresent()) {
                            throw a.fail("'patroni-view': max-lag given twice as a time");
                        }
                        maxLagTime = Optional.of(time(a, text));
                    }
                }
                default -> throw a.fail("'patroni-view': unknown option '" + option + "'"
                        + Suggest.didYouMean(option, OPTIONS) + " (expected: interval <time>, max-lag <size>|<time>,"
                        + " lag-grace <time>, calm-interval <time>)");
            }
        }
        p.patroniView = new PatroniView(m, urls, interval, maxLagBytes, maxLagTime, grace, calm);
    }

    private static List<URI> urls(Args a, String list) {
        List<URI> urls = new ArrayList<>();
        for (String item : list.split(",", -1)) {
            URI uri;
            try {
                uri = new URI(item);
            } catch (URISyntaxException e) {
                throw a.fail("'patroni-view url': bad URL '" + item + "' (expected: http://<host>:<port>)");
            }
            if (!"http".equalsIgnoreCase(uri.getScheme())) {
                throw a.fail("'patroni-view url': '" + item + "' is not an http:// URL (expected: http://<host>:<port>;"
                        + " https is not implemented)");
            }
            if (uri.getHost() == null || uri.getPort() < 0) {
                throw a.fail("'patroni-view url': '" + item + "' needs a host and a port (expected: http://<host>:<port>,"
                        + " e.g. http://pg-1:8008)");
            }
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            if (!path.isEmpty() && !path.equals("/") || uri.getRawQuery() != null) {
                throw a.fail("'patroni-view url': '" + item + "' has a path (expected: the REST API's base URL,"
                        + " http://<host>:<port>)");
            }
            urls.add(URI.create("http://" + uri.getRawAuthority()));
        }
        return urls;
    }

    /** Sizes end with B (any case) or are bare bytes, as in Patroni's {@code ?lag=}; times need a unit. */
    private static boolean isSize(String text) {
        return text.toLowerCase(Locale.ROOT).endsWith("b") || text.matches("\\d+");
    }

    private static long size(Args a, String text) {
        String lower = text.toLowerCase(Locale.ROOT);
        Long bare = Values.parse(text);
        if (bare != null && bare >= 0) {
            return bare;
        }
        for (int i = 0; i < SIZE_UNITS.length; i++) {
            String unit = SIZE_UNITS[i];
            if (lower.endsWith(unit)) {
                Long n = Values.parse(text.substring(0, text.length() - unit.length()));
                long factor = 1L << (10 * (SIZE_UNITS.length - 1 - i));
                if (n == null || n < 0 || n > Long.MAX_VALUE / factor) {
                    break;
                }
                return n * factor;
            }
        }
        throw a.fail("'patroni-view max-lag': '" + text + "' is not a size (expected: <bytes>[B|kB|MB|GB|TB],"
                + " e.g. 16MB, or a time, e.g. 10s)");
    }

    private static Duration time(Args a, String text) {
        try {
            return Units.time(text, Units.Default.MILLIS);
        } catch (Units.BadTime e) {
            throw a.fail("'patroni-view max-lag': " + e.getMessage() + " (or a size, e.g. 16MB)");
        }
    }
}
