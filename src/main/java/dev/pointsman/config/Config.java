package dev.pointsman.config;

import java.util.List;
import java.util.Optional;

/**
 * A whole configuration: the global section, the proxies in file order, and the notices for
 * keywords that were accepted without effect (logged once at start).
 */
public record Config(Global global, List<Proxy> proxies, List<Notice> notices) {
    public Config {
        proxies = List.copyOf(proxies);
        notices = List.copyOf(notices);
    }

    public Optional<Proxy> proxy(String name) {
        return proxies.stream().filter(p -> p.name().equals(name)).findFirst();
    }

    /** A keyword accepted without effect, or with an effect that differs from HAProxy's. */
    public record Notice(Source source, String message) {
        @Override
        public String toString() {
            return "[" + source + "] : " + message;
        }
    }
}
