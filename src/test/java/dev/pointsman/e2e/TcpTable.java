package dev.pointsman.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The kernel's table of TCP sockets, IPv4 and IPv6 ({@code /proc/net/tcp}, {@code /proc/net/tcp6};
 * what {@code ss} reads): which sockets exist, in which state, with how many bytes still unsent.
 * Lets a test see the proxy's side of a connection without asking the proxy.
 */
final class TcpTable {
    /** The kernel's code for ESTABLISHED. */
    static final int ESTABLISHED = 0x01;
    private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    /** One socket: its ports, its state and its send queue (bytes written but not yet acknowledged). */
    record Entry(int localPort, int remotePort, int state, long sendQueue, long inode) {}

    private TcpTable() {}

    /** The sockets whose local or remote port is {@code port} (the others are not parsed: a busy table has tens of thousands). */
    static List<Entry> read(int port) {
        String hexPort = String.format(":%04X ", port);
        List<Entry> all = new ArrayList<>();
        for (Path table : TABLES) {
            List<String> lines;
            try {
                lines = Files.readAllLines(table);
            } catch (IOException e) {
                if (table.getFileName().toString().equals("tcp6")) {
                    continue; // a kernel without IPv6
                }
                throw new UncheckedIOException("cannot read " + table, e);
            }
            for (String line : lines.subList(1, lines.size())) {
                if (!line.contains(hexPort)) {
                    continue;
                }
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                String[] f = line.trim().split("\\s+");
                if (f.length < 10) {
                    continue;
                }
                all.add(new Entry(port(f[1]), port(f[2]), Integer.parseInt(f[3], 16),
                        Long.parseLong(f[4].substring(0, f[4].indexOf(':')), 16), Long.parseLong(f[9])));
            }
        }
        return all;
    }

    /** The socket whose local port is {@code local} and remote port {@code remote}, if any. */
    static Optional<Entry> find(List<Entry> table, int local, int remote) {
        return table.stream().filter(e -> e.localPort() == local && e.remotePort() == remote).findFirst();
    }

    /**
     * The local port of the TCP socket that process {@code pid} holds connected to {@code remotePort},
     * if it has one yet: its descriptors ({@code /proc/PID/fd}, links {@code socket:[INODE]}) matched
     * against {@code table} ({@link #read} of {@code remotePort}) by inode.
     */
    static OptionalInt clientPort(long pid, int remotePort, List<Entry> table) {
        List<Long> inodes = new ArrayList<>();
        try (var fds = Files.list(Path.of("/proc/" + pid + "/fd"))) {
            for (Path fd : (Iterable<Path>) fds::iterator) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[")) {
                        inodes.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException e) {
                    // the descriptor closed meanwhile
                }
            }
        } catch (IOException e) {
            return OptionalInt.empty(); // the process is gone
        }
        return table.stream().filter(e -> e.remotePort() == remotePort && inodes.contains(e.inode()))
                .mapToInt(Entry::localPort).findFirst();
    }

    private static int port(String hexAddressAndPort) {
        return Integer.parseInt(hexAddressAndPort.substring(hexAddressAndPort.indexOf(':') + 1), 16);
    }
}
