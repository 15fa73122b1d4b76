package dev.pointsman.config.parse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * Server addresses at start, following {@code init-addr} (default {@code last,libc}): {@code last}
 * finds nothing (there is no server-state-file), {@code libc} asks the resolver, {@code none}
 * leaves the address unresolved, an IP address is used as is. IP literals never reach the
 * resolver; each host is looked up once.
 */
final class Resolution {
    private final Resolver resolver;
    private final Report report;
    private final Map<String, Optional<InetAddress>> cache = new HashMap<>();

    Resolution(Resolver resolver, Report report) {
        this.resolver = resolver;
        this.report = report;
    }

    InetSocketAddress address(ServerBuilder s) {
        Optional<InetAddress> literal = Addresses.literal(s.host);
        if (literal.isPresent()) {
            return new InetSocketAddress(literal.get(), s.port);
        }
        for (String method : s.initAddr) {
            switch (method) {
                case "last" -> { }
                case "libc" -> {
                    Optional<InetAddress> found = lookup(s.host);
                    if (found.isPresent()) {
                        return new InetSocketAddress(found.get(), s.port);
                    }
                }
                case "none" -> {
                    return InetSocketAddress.createUnresolved(s.host, s.port);
                }
                default -> {
                    return new InetSocketAddress(Addresses.literal(method).orElseThrow(), s.port);
                }
            }
        }
        report.error(s.source, "server", "server '" + s.name + "': cannot resolve host '" + s.host
                + "' (add it to /etc/hosts or DNS, or use 'init-addr none')");
        return InetSocketAddress.createUnresolved(s.host, s.port);
    }

    /** The {@code addr} host as an IP literal; as written when unresolvable with {@code init-addr none}. */
    String checkAddr(ServerBuilder s) {
        if (s.checkAddr == null) {
            return null;
        }
        Optional<InetAddress> found = Addresses.literal(s.checkAddr).or(() -> lookup(s.checkAddr));
        if (found.isPresent()) {
            return found.get().getHostAddress();
        }
        if (!s.initAddr.contains("none")) {
            report.error(s.source, "server", "server '" + s.name + "': cannot resolve 'addr' host '" + s.checkAddr
                    + "' (add it to /etc/hosts or DNS, or use 'init-addr none')");
        }
        return s.checkAddr;
    }

    private Optional<InetAddress> lookup(String host) {
        return cache.computeIfAbsent(host, h -> {
            try {
                return Optional.of(resolver.resolve(h));
            } catch (UnknownHostException | SecurityException e) {
                return Optional.empty();
            }
        });
    }
}
