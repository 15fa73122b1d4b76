package dev.pointsman.config.parse;

import dev.pointsman.config.LogTarget;
import dev.pointsman.config.LogTarget.Facility;
import dev.pointsman.config.LogTarget.Format;
import dev.pointsman.config.LogTarget.Kind;
import dev.pointsman.config.LogTarget.Level;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code log <address> [len <length>] [format <fmt>] <facility> [<level> [<minlevel>]]} and
 * {@code log-tag <tag>}, shared by global and proxies. Addresses: {@code host[:port]} (UDP, port
 * 514), {@code udp@}/{@code ipv4@}/{@code ipv6@} prefixes, {@code /dev/log} or {@code unix@path},
 * {@code stdout}, {@code stderr}, {@code fd@1}, {@code fd@2}. {@code len} and {@code format} may
 * come in either order (HAProxy wants {@code len} first). The length defaults to 1024 bytes, the
 * format to rfc3164 and the level to debug (all), as in HAProxy.
 */
final class LogKeywords {
    static final int DEFAULT_PORT = 514;
    /** HAProxy's bounds of {@code len}. */
    static final int MIN_LENGTH = 80;
    static final int MAX_LENGTH = 65535;
    private static final Set<String> UDP_PREFIXES = Set.of("udp", "udp4", "udp6", "ipv4", "ipv6");
    private static final Set<String> OPTIONS = Set.of("len", "format", "sample", "profile");

    private LogKeywords() {}

    static LogTarget target(Args a) {
        String address = a.next("<address> and <facility> as arguments");
        Kind kind;
        String where = "";
        int port = 0;
        String family = Addresses.family(address);
        if (address.equals("stdout") || address.equals("fd@1")) {
            kind = Kind.STDOUT;
        } else if (address.equals("stderr") || address.equals("fd@2")) {
            kind = Kind.STDERR;
        } else if (address.startsWith("/") || family.equals("unix")) {
            kind = Kind.UNIX;
            where = family.isEmpty() ? address : address.substring(family.length() + 1);
        } else if (family.isEmpty() || UDP_PREFIXES.contains(family)) {
            kind = Kind.UDP;
            Addresses.HostPort hp = Addresses.split(family.isEmpty() ? address : address.substring(family.length() + 1));
            if (hp.host().isEmpty()) {
                throw a.fail("'log': missing host in '" + address + "' (expected: <host>[:<port>])");
            }
            where = hp.host();
            port = hp.port() == null ? DEFAULT_PORT : Values.port(a, hp.port());
        } else {
            throw a.fail("'log' to '" + address + "': '" + family
                    + "@' targets are an HAProxy feature that Pointsman does not implement"
                    + " (expected: host[:port], /dev/log, unix@path, stdout or stderr)");
        }
        Format format = Format.RFC3164;
        int maxLength = LogTarget.DEFAULT_MAX_LENGTH;
        while (OPTIONS.contains(a.peek())) {
            String option = a.next("");
            switch (option) {
                case "len" -> maxLength = length(a);
                case "format" -> format = format(a, a.next("format <rfc3164|rfc5424|local|raw|short>"));
                default -> throw a.fail(NotImplemented.message("log ... " + option, ""));
            }
        }
        Facility facility = named(a, Facility.class, a.next("<address> and <facility> as arguments"), "facility");
        Level level = a.has() ? named(a, Level.class, a.next(""), "level") : Level.DEBUG;
        Level minLevel = a.has() ? named(a, Level.class, a.next(""), "minimum level") : Level.EMERG;
        a.end();
        return new LogTarget(kind, where, port, facility, level, minLevel, format, maxLength, a.source());
    }

    /** {@code log-tag <tag>}: the tag field of the syslog header. */
    static String tag(Args a) {
        String tag = a.next("<tag> as argument");
        if (tag.isEmpty()) {
            throw a.fail("'log-tag' expects a non-empty <tag>");
        }
        a.end();
        return tag;
    }

    /** {@code len 10}: {@code 'log ... len': 10 (expected: 80-65535)}. */
    private static int length(Args a) {
        String text = a.next("len <length> (" + MIN_LENGTH + "-" + MAX_LENGTH + ")");
        return Values.range(a, text, "'log ... len'", MIN_LENGTH, MAX_LENGTH);
    }

    private static Format format(Args a, String text) {
        for (Format f : Format.values()) {
            if (f.name().toLowerCase(Locale.ROOT).equals(text)) {
                return f;
            }
        }
        if (List.of("priority", "iso", "timed").contains(text)) {
            throw a.fail(NotImplemented.message("log ... format " + text, "use rfc3164, rfc5424, local, raw or short"));
        }
        throw a.fail("'log': unknown format '" + text + "' (expected: rfc3164, rfc5424, local, raw or short)"
                + Suggest.didYouMean(text, List.of("rfc3164", "rfc5424", "local", "raw", "short")));
    }

    private static <E extends Enum<E>> E named(Args a, Class<E> type, String text, String what) {
        for (E e : type.getEnumConstants()) {
            if (e.name().toLowerCase(Locale.ROOT).equals(text)) {
                return e;
            }
        }
        List<String> names = Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
        throw a.fail("'log': unknown " + what + " '" + text + "'" + Suggest.didYouMean(text, names)
                + " (expected one of: " + String.join(", ", names) + ")");
    }
}
