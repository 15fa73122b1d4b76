package dev.pointsman.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.testing.FakePatroni;
import dev.pointsman.testing.FakePatroni.Role;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.TestServer;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The reference config's checks (bodiless OPTIONS answers) against two fake Patroni nodes. */
class SwitchoverReactionTest {

    private static String config(int primaryPort, int standbyPort, TestServer a, FakePatroni pa, TestServer b,
                                 FakePatroni pb) {
        String servers = """
                    default-server inter 3s fall 3 rise 2 on-marked-down shutdown-sessions
                    server a 127.0.0.1:%d maxconn 100 check port %d
                    server b 127.0.0.1:%d maxconn 100 check port %d
                """.formatted(a.address().getPort(), pa.port(), b.address().getPort(), pb.port());
        return """
                global
                    maxconn 100
                defaults
                    mode tcp
                    retries 2
                    timeout client 30m
                    timeout connect 4s
                    timeout server 30m
                    timeout check 5s
                listen primary
                    bind 127.0.0.1:%d
                    option httpchk
                    http-check expect status 200
                %s
                listen standby
                    bind 127.0.0.1:%d
                    option httpchk OPTIONS/replica
                    http-check expect status 200
                %s
                """.formatted(primaryPort, servers, standbyPort, servers);
    }

    private static String roundTrip(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    @Test
    void whenTheReplicaBecomesPrimaryTheOldPrimaryIsWithdrawnAndItsSessionsCutAtOnce() throws Exception {
        try (TestServer a = TestServer.echo();
             TestServer b = TestServer.echo();
             FakePatroni pa = new FakePatroni(Role.PRIMARY);
             FakePatroni pb = new FakePatroni(Role.REPLICA)) {
            Config config = ConfigParser.system().parse("t.cfg", config(1, 2, a, pa, b, pb));
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(config))) {
                int primaryPort = p.frontend("primary").orElseThrow().boundAddresses().get(0).getPort();
                Backend primary = p.backends().get("primary");
                Backend standby = p.backends().get("standby");
                Server pa1 = primary.server("a").orElseThrow();
                Server pb1 = primary.server("b").orElseThrow();
                await().atMost(Duration.ofSeconds(10)).until(() -> pa1.usable() && standby.server("b").orElseThrow().usable());
                assertThat(pb1.usable()).as("a replica never starts UP on the primary pool").isFalse();
                Socket old = new Socket(InetAddress.getLoopbackAddress(), primaryPort);
                assertThat(roundTrip(old, "x")).isEqualTo("x");
                assertThat(a.accepted.get()).isEqualTo(1);

                pa.role(Role.REPLICA);
                pb.role(Role.PRIMARY);
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(pb1::usable);
                long upAt = System.nanoTime();

                // a must not take new sessions from the moment b is up, and its session is cut at once
                assertThat(pa1.usable()).isFalse();
                old.setSoTimeout(5000);
                assertThat(old.getInputStream().read()).isEqualTo(-1);
                assertThat(Duration.ofNanos(System.nanoTime() - upAt)).isLessThan(Duration.ofMillis(500));
                try (Socket fresh = new Socket(InetAddress.getLoopbackAddress(), primaryPort)) {
                    assertThat(roundTrip(fresh, "y")).isEqualTo("y");
                }
                assertThat(b.accepted.get()).isEqualTo(1);
                // the new primary left the replica pool too
                await().atMost(Duration.ofSeconds(2)).until(() -> !standby.server("b").orElseThrow().usable());
                old.close();
            }
        }
    }

    @Test
    void aPrimaryPoolWithoutAPrimaryFindsTheNextOneWithinAHurriedIntervalHoweverLongItWaited() throws Exception {
        // no primary at all from the start (etcd down, the leader demoted): no state change ever
        // hurried the checks, and rise 2 x inter 3s would take 3 to 6 s once a node is promoted
        try (TestServer a = TestServer.echo();
             TestServer b = TestServer.echo();
             FakePatroni pa = new FakePatroni(Role.REPLICA);
             FakePatroni pb = new FakePatroni(Role.REPLICA)) {
            Config config = ConfigParser.system().parse("t.cfg", config(1, 2, a, pa, b, pb));
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(config))) {
                Backend primary = p.backends().get("primary");
                Server pb1 = primary.server("b").orElseThrow();
                Backend standby = p.backends().get("standby");
                await().atMost(Duration.ofSeconds(10)).until(() -> standby.activeUsable() == 2);
                await().pollDelay(Duration.ofSeconds(4)).atMost(Duration.ofSeconds(5)).until(() -> true);
                assertThat(primary.activeUsable()).isZero();

                pb.role(Role.PRIMARY);
                long promotedAt = System.nanoTime();
                await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(5)).until(pb1::usable);

                assertThat(Duration.ofNanos(System.nanoTime() - promotedAt)).isLessThan(Duration.ofMillis(1500));
            }
        }
    }
}
