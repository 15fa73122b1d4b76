package dev.pointsman.config;

import java.util.Optional;

/**
 * One address of a {@code bind} line: {@code *:5000}, {@code :5000}, {@code 127.0.0.1:5000} or a
 * port range {@code 127.0.0.1:6000-6010}.
 *
 * @param host empty for every address (HAProxy's {@code *} or empty host)
 */
public record Bind(Optional<String> host, int firstPort, int lastPort, Source source) {
    @Override
    public String toString() {
        String ports = firstPort == lastPort ? Integer.toString(firstPort) : firstPort + "-" + lastPort;
        return host.orElse("*") + ":" + ports;
    }
}
