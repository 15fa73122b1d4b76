package dev.pointsman.stats;

import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.frontend.DescriptorBudget;
import dev.pointsman.net.Transport;
import dev.pointsman.testing.EphemeralPorts;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A stats listener alone (no proxy behind it) on an event loop of its own, and the client sockets
 * a test opens to it; closing closes them, the listener and the loop.
 */
final class BareStatsListener implements AutoCloseable {
    final Stats stats;
    final StatsServer server;
    final ListenerCounters counters;
    final int port;
    private final EventLoopGroup group;
    private final List<Socket> clients = new ArrayList<>();

    BareStatsListener(Config config, DescriptorBudget budget) throws BindFailedException {
        Transport transport = Transport.best();
        group = transport.newGroup(1, "bare-stats");
        stats = new Stats(config, Map.of(), List.of(), PatroniView.NONE, System::nanoTime);
        try {
            server = StatsServer.start(config.proxies().get(0), stats, budget, transport, group);
        } catch (BindFailedException e) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
            throw e;
        }
        counters = stats.listenerCounters("stats").orElseThrow();
        port = server.boundAddresses().get(0).getPort();
    }

    /**
     * {@code listen stats} ({@code mode http}, {@code stats enable}, {@code stats uri /}, {@code timeout
     * client 30s} from the defaults, so both deadlines are 10 s) after the {@code global} lines given,
     * with the {@code section} lines appended; its bind on port 0.
     */
    static Config config(String global, String section) throws Exception {
        return EphemeralPorts.of(ConfigParser.system().parse("bare-stats.cfg", "global\n" + global
                + "defaults\n    timeout client 30s\n"
                + "listen stats\n    mode http\n    bind 127.0.0.1:1\n    stats enable\n    stats uri /\n" + section));
    }

    /** A new client connection, closed with the listener. */
    Socket connect() throws IOException {
        Socket s = new Socket();
        clients.add(s);
        s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        return s;
    }

    List<Socket> clients() {
        return clients;
    }

    @Override
    public void close() {
        for (Socket s : clients) {
            try {
                s.close();
            } catch (IOException ignored) {
                // teardown
            }
        }
        server.close();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
