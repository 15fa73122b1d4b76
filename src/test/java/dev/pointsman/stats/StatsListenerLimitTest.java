package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Config;
import dev.pointsman.config.Global;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.frontend.DescriptorBudget;
import dev.pointsman.net.Transport;
import dev.pointsman.testing.EphemeralPorts;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * How many connections a stats listener holds: HAProxy's rule (the global maxconn; a section's own
 * may raise it), within what the descriptor budget leaves it, so that stats clients can never take
 * the descriptors that checks and proxied sessions need.
 */
class StatsListenerLimitTest {
    static final int IDLE = 300;

    final List<Socket> clients = new ArrayList<>();
    EventLoopGroup group;
    StatsServer server;

    @AfterEach
    void stop() throws IOException {
        for (Socket s : clients) {
            s.close();
        }
        if (server != null) {
            server.close();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void underALowDescriptorLimitIdleConnectionsHoldNoMoreThanTheDescriptorsLeaveTheListener() throws Exception {
        // Given the default maxconn and a stats listener under ulimit -n 256
        Config config = config("", "");
        DescriptorBudget budget = DescriptorBudget.of(config, 256);
        Transport transport = Transport.best();
        group = transport.newGroup(1, "stats-limit-test");
        Stats stats = new Stats(config, Map.of(), List.of(), PatroniView.NONE, System::nanoTime);
        server = StatsServer.start(config.proxies().get(0), stats, budget, transport, group);
        ListenerCounters counters = stats.listenerCounters("stats").orElseThrow();

        // When 300 clients open a connection each and send nothing
        int port = server.boundAddresses().get(0).getPort();
        for (int i = 0; i < IDLE; i++) {
            Socket s = new Socket();
            clients.add(s);
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 2000);
        }
        Awaitility.await("the listener saw every connection").atMost(Duration.ofSeconds(10))
                .until(() -> counters.total.sum() == IDLE);

        // Then it never held more than the budget leaves it, far below the global maxconn
        assertThat(counters.limit).isEqualTo(budget.statsConnections()).isLessThan(budget.maxconn());
        assertThat(counters.max.get()).isEqualTo(budget.statsConnections());
        assertThat(counters.current.get()).isEqualTo(budget.statsConnections());
        // and the newest connections are the ones held: the oldest idle ones gave way
        assertThat(counters.badRequests.sum()).isEqualTo(IDLE - budget.statsConnections());
    }

    @Test
    void withDescriptorsToSpareTheListenerTakesTheGlobalMaxconnAsInHaproxy() throws Exception {
        Config config = config("    maxconn 200\n", "");
        assertThat(StatsServer.limit(config.proxies().get(0), DescriptorBudget.of(config, 1_048_576))).isEqualTo(200);
    }

    @Test
    void aSectionMaxconnAboveTheGlobalOneRaisesIt() throws Exception {
        Config config = config("    maxconn 200\n", "    maxconn 500\n");
        assertThat(StatsServer.limit(config.proxies().get(0), DescriptorBudget.of(config, 1_048_576))).isEqualTo(500);
    }

    @Test
    void anUnknownDescriptorLimitBoundsNothing() throws Exception {
        Config config = config("", "");
        assertThat(StatsServer.limit(config.proxies().get(0), DescriptorBudget.of(config, -1)))
                .isEqualTo(Global.DEFAULT_MAXCONN);
    }

    @Test
    void aSectionMaxconnCannotRaiseItAboveWhatTheDescriptorsLeave() throws Exception {
        Config config = config("", "    maxconn 5000\n");
        DescriptorBudget budget = DescriptorBudget.of(config, 256);
        assertThat(StatsServer.limit(config.proxies().get(0), budget)).isEqualTo(budget.statsConnections());
    }

    private static Config config(String global, String section) throws Exception {
        return EphemeralPorts.of(ConfigParser.system().parse("limit-test.cfg", "global\n    nbthread 2\n" + global
                + "defaults\n    timeout client 30s\n"
                + "listen stats\n    mode http\n    bind 127.0.0.1:1\n    stats enable\n    stats uri /\n" + section));
    }
}
