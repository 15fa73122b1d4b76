package dev.pointsman.config.parse;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;

/** Splitting HAProxy addresses: {@code host:port}, {@code [v6]:port}, {@code ipv4@host:port}. */
final class Addresses {
    private Addresses() {}

    /** A host and the text after its last colon (null when there is none). */
    record HostPort(String host, String port) {}

    /**
     * Splits at the last colon, as HAProxy does; brackets protect an IPv6 literal. The family
     * prefixes {@code ipv4@}, {@code ipv6@} (and for logs {@code udp@} etc.) are removed by the caller.
     */
    static HostPort split(String text) {
        if (text.startsWith("[")) {
            int close = text.indexOf(']');
            if (close > 0) {
                String host = text.substring(1, close);
                String rest = text.substring(close + 1);
                return new HostPort(host, rest.startsWith(":") ? rest.substring(1) : rest.isEmpty() ? null : rest);
            }
        }
        int colon = text.lastIndexOf(':');
        if (colon < 0) {
            return new HostPort(text, null);
        }
        return new HostPort(text.substring(0, colon), text.substring(colon + 1));
    }

    /** The prefix before '@' ("unix", "ipv4", ...), or "" when there is none. */
    static String family(String text) {
        int at = text.indexOf('@');
        return at > 0 && text.substring(0, at).matches("[a-z0-9-]+") ? text.substring(0, at) : "";
    }

    /** An IP literal as an address without any lookup; empty for a host name. */
    static Optional<InetAddress> literal(String host) {
        boolean v4 = host.matches("\\d{1,3}(\\.\\d{1,3}){3}");
        boolean v6 = host.contains(":") && host.matches("[0-9A-Fa-f:.%a-zA-Z0-9]+");
        if (v4) {
            for (String octet : host.split("\\.")) {
                if (Integer.parseInt(octet) > 255) {
                    return Optional.empty();
                }
            }
        }
        if (!v4 && !v6) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(host)); // a literal: no lookup happens
        } catch (UnknownHostException e) {
            return Optional.empty();
        }
    }
}
