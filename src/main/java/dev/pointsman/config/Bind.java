package dev.pointsman.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One address of a {@code bind} line: {@code *:5000}, {@code :5000}, {@code 127.0.0.1:5000} or a
 * port range {@code 127.0.0.1:6000-6010}.
 *
 * @param host empty for every address (HAProxy's {@code *} or empty host)
 */
public record Bind(Optional<String> host, int firstPort, int lastPort, Source source) {
    /** One listening address: a host (empty = every address) and a port. */
    public record Address(Optional<String> host, int port) {
        @Override
        public String toString() {
            return host.orElse("*") + ":" + port;
        }
    }

    /** Every address this line listens on, a port range expanded. */
    public List<Address> addresses() {
        List<Address> out = new ArrayList<>();
        for (int p = firstPort; p <= lastPort; p++) {
            out.add(new Address(host, p));
        }
        return out;
    }

    @Override
    public String toString() {
        String ports = firstPort == lastPort ? Integer.toString(firstPort) : firstPort + "-" + lastPort;
        return host.orElse("*") + ":" + ports;
    }
}
