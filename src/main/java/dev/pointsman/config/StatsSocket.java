package dev.pointsman.config;

import java.util.Objects;
import java.util.OptionalInt;

/**
 * One {@code stats socket} line of the {@code global} section: a listener of the runtime API.
 *
 * @param address where it listens: a unix socket path or a TCP address
 * @param mode    {@code mode}: the permission bits of the socket file (octal in the file, e.g.
 *                {@code 660}); empty keeps what the process's umask gives
 * @param level   {@code level}: what commands on this socket may do; HAProxy's default is operator
 */
public record StatsSocket(Address address, OptionalInt mode, Level level, Source source) {

    public StatsSocket {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(level, "level");
    }

    /** Where a stats socket listens. */
    public sealed interface Address {
        /** HAProxy's spelling, as {@code show cli sockets} prints it: {@code unix@/run/x.sock}, {@code ipv4@127.0.0.1:9999}. */
        String label();
    }

    /** A unix stream socket file ({@code /run/haproxy/admin.sock} or {@code unix@...}). */
    public record Unix(String path) implements Address {
        @Override
        public String label() {
            return "unix@" + path;
        }
    }

    /** A TCP listener ({@code ipv4@127.0.0.1:9999}, {@code ipv6@[::1]:9999} or {@code 127.0.0.1:9999}). */
    public record Tcp(String host, int port, boolean ipv6) implements Address {
        @Override
        public String label() {
            return ipv6 ? "ipv6@[" + host + "]:" + port : "ipv4@" + host + ":" + port;
        }
    }

    /**
     * HAProxy's access levels, lowest first: {@code user} reads, {@code operator} also sees
     * sessions, {@code admin} also changes server state and weight.
     */
    public enum Level {
        USER, OPERATOR, ADMIN;

        /** The word of the configuration and of {@code show cli level}. */
        public String word() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }

        public boolean allows(Level needed) {
            return compareTo(needed) >= 0;
        }
    }
}
