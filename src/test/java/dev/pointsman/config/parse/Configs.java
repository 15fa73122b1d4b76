package dev.pointsman.config.parse;

import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** Test helpers: a fixed environment and a resolver that knows pg-1/2/3 as 127.0.0.11-13. */
final class Configs {
    static final Map<String, String> ENV = Map.of("PG_PORT", "5432", "STATS_USER", "admin", "EMPTY", "");

    static final Resolver HOSTS = host -> switch (host) {
        case "pg-1" -> InetAddress.getByAddress(host, new byte[] {127, 0, 0, 11});
        case "pg-2" -> InetAddress.getByAddress(host, new byte[] {127, 0, 0, 12});
        case "pg-3" -> InetAddress.getByAddress(host, new byte[] {127, 0, 0, 13});
        default -> throw new UnknownHostException(host);
    };

    static final ConfigParser PARSER = new ConfigParser(ENV::get, HOSTS);

    /** Enough around a proxy body for the second pass to be happy. */
    static final String DEFAULTS = """
            defaults
                timeout client 30m
                timeout connect 4s
                timeout server 30m
            """;

    private Configs() {}

    static Config parse(String text) throws ConfigException {
        return PARSER.parse("t.cfg", text);
    }

    /** One listen 'pg' on :5000 with the given extra lines and one server pg-1. */
    static Proxy listen(String... lines) throws ConfigException {
        return parse(DEFAULTS + "listen pg\n    bind :5000\n    " + String.join("\n    ", lines)
                + "\n    server pg-1 pg-1:5432\n").proxy("pg").orElseThrow();
    }

    static ConfigException failure(String text) {
        assertThatThrownBy(() -> parse(text)).isInstanceOf(ConfigException.class);
        return catchThrowableOfType(ConfigException.class, () -> parse(text));
    }
}
