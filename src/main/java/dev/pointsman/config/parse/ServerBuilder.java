package dev.pointsman.config.parse;

import dev.pointsman.config.ServerConfig;
import dev.pointsman.config.Source;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A {@code server} line being read, or the {@code default-server} template it is copied from.
 * Starts with HAProxy's defaults: weight 1, inter 2s, rise 2, fall 3, init-addr last,libc.
 */
final class ServerBuilder {
    String name;
    Source source;
    String host;
    int port;
    int maxconn;
    int maxqueue;
    int weight = ServerConfig.DEFAULT_WEIGHT;
    boolean backup;
    boolean disabled;
    boolean check;
    Integer checkPort;
    String checkAddr;
    Duration inter = ServerConfig.DEFAULT_INTER;
    Duration fastinter;
    Duration downinter;
    int rise = ServerConfig.DEFAULT_RISE;
    int fall = ServerConfig.DEFAULT_FALL;
    boolean shutdownSessions;
    boolean shutdownBackupSessions;
    Duration slowstart;
    List<String> initAddr = List.of("last", "libc");
    /** Options written on this very line that only matter with {@code check}. */
    final List<String> checkOnly = new ArrayList<>();

    ServerBuilder copy() {
        ServerBuilder c = new ServerBuilder();
        c.maxconn = maxconn;
        c.maxqueue = maxqueue;
        c.weight = weight;
        c.backup = backup;
        c.disabled = disabled;
        c.check = check;
        c.checkPort = checkPort;
        c.checkAddr = checkAddr;
        c.inter = inter;
        c.fastinter = fastinter;
        c.downinter = downinter;
        c.rise = rise;
        c.fall = fall;
        c.shutdownSessions = shutdownSessions;
        c.shutdownBackupSessions = shutdownBackupSessions;
        c.slowstart = slowstart;
        c.initAddr = initAddr;
        return c;
    }

    /** The record, once the linker has resolved the address (and the {@code addr} host). */
    ServerConfig build(int id, InetSocketAddress address, String resolvedCheckAddr) {
        return new ServerConfig(name, id, source, host, port, address, maxconn, maxqueue, weight, backup, disabled,
                check, checkPort == null ? OptionalInt.empty() : OptionalInt.of(checkPort),
                Optional.ofNullable(resolvedCheckAddr), inter, Optional.ofNullable(fastinter),
                Optional.ofNullable(downinter), rise, fall, shutdownSessions, shutdownBackupSessions,
                Optional.ofNullable(slowstart));
    }
}
