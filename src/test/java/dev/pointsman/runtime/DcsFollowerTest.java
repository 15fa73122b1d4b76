package dev.pointsman.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.check.PoolKind;
import dev.pointsman.testing.Configs;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** What {@link DcsWiring}'s follower makes of Patroni's leader and failover keys. */
class DcsFollowerTest {
    private static final String SWITCH_1_TO_2 = "{\"leader\":\"pg-1\",\"member\":\"pg-2\"}";

    private final EventLoop loop = new DefaultEventLoop();
    private final SettableClock clock = new SettableClock(Instant.parse("2026-11-27T01:00:00Z"));
    private final AtomicInteger hurried = new AtomicInteger();

    @AfterEach
    void stop() {
        loop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
    }

    private Backend backend(String name) {
        return new Backend(Configs.listen(name)
                .server(Configs.server("pg-1", new InetSocketAddress("127.0.0.11", 5432)))
                .server(Configs.server("pg-2", new InetSocketAddress("127.0.0.12", 5432)))
                .server(Configs.server("pg-3", new InetSocketAddress("127.0.0.13", 5432)))
                .build(), System::nanoTime, loop);
    }

    private DcsWiring.Follower follower(Backend backend, PoolKind pool, Clock clock) {
        return new DcsWiring.Follower(backend, pool, hurried::incrementAndGet, member -> Optional.empty(), loop, clock);
    }

    /** A follower of {@code b}'s primary pool that has read pg-1 in the leader key. */
    private DcsWiring.Follower ledByPg1(Backend b, Clock clock) throws Exception {
        DcsWiring.Follower f = follower(b, PoolKind.PRIMARY, clock);
        on(() -> f.onLeader(Optional.of("pg-1"), 10));
        return f;
    }

    private void on(Runnable call) throws Exception {
        loop.submit(call).get(5, TimeUnit.SECONDS);
    }

    private static String usable(Backend b) {
        StringBuilder s = new StringBuilder();
        for (Server server : b.servers()) {
            s.append(server.usable() ? server.name() : "-").append(' ');
        }
        return s.toString().strip();
    }

    @Test
    void theLeaderKeysValuesAreToldToTheSplitBrainDetectorBeforeTheFollowerActsOnThem() {
        java.util.List<String> heard = new java.util.ArrayList<>();
        dev.pointsman.cluster.dcs.KeyListener follower = new dev.pointsman.cluster.dcs.KeyListener() {
            @Override
            public void onValue(Optional<String> value, long revision) {
                heard.add("follower " + value.orElse("released") + "@" + revision);
            }

            @Override
            public void onUnavailable(String reason) {
                heard.add("follower down: " + reason);
            }

            @Override
            public void onAvailable() {
                heard.add("follower up");
            }
        };
        dev.pointsman.cluster.dcs.KeyListener both = DcsWiring.toldToo(follower,
                member -> heard.add("detector " + member.orElse("released")),
                established -> heard.add(established ? "view calm allowed" : "view hurried"));

        both.onValue(Optional.of("pg-3"), 7);
        both.onUnavailable("refused");
        both.onAvailable();
        both.onValue(Optional.empty(), 9);

        assertThat(heard).containsExactly("detector pg-3", "follower pg-3@7", "follower down: refused", "view hurried",
                "follower up", "view calm allowed", "detector released", "follower released@9");
    }

    @Test
    void aSwitchoverRequestKeepsNewSessionsFromTheLeaderUntilTheKeyMoves() throws Exception {
        // Given pg-1 holds the leader key
        Backend b = backend("primary");
        DcsWiring.Follower f = ledByPg1(b, clock);
        assertThat(usable(b)).isEqualTo("pg-1 - -");
        int before = hurried.get();
        // When Patroni is asked to switch over to pg-2
        on(() -> f.onFailover(Optional.of(SWITCH_1_TO_2), 11));
        // Then pg-1 gets no new session (nobody does: clients wait for the new primary), checks are hurried
        assertThat(usable(b)).isEqualTo("- - -");
        assertThat(b.servers().get(0).veto()).hasValueSatisfying(v -> assertThat(v).contains("switchover to pg-2"));
        assertThat(hurried.get()).isGreaterThan(before);
        // When pg-1 releases the key and pg-2 takes it (and the failover key is emptied)
        on(() -> f.onLeader(Optional.empty(), 12));
        on(() -> f.onLeader(Optional.of("pg-2"), 13));
        on(() -> f.onFailover(Optional.of("{}"), 14));
        // Then only pg-2 may be primary
        assertThat(usable(b)).isEqualTo("- pg-2 -");
    }

    @Test
    void aRequestThatIsGivenUpLetsTheLeaderBackAtOnce() throws Exception {
        Backend b = backend("primary");
        DcsWiring.Follower f = ledByPg1(b, clock);
        on(() -> f.onFailover(Optional.of(SWITCH_1_TO_2), 11));
        // Patroni found no healthy candidate and cleaned the request up
        on(() -> f.onFailover(Optional.of("{}"), 12));
        assertThat(usable(b)).isEqualTo("pg-1 - -");
    }

    @Test
    void aRequestThatDoesNotConcernTheHolderWithdrawsNobody() throws Exception {
        Backend b = backend("primary");
        DcsWiring.Follower f = ledByPg1(b, clock);
        on(() -> f.onFailover(Optional.of("{\"leader\":\"pg-3\",\"member\":\"pg-2\"}"), 11));
        assertThat(usable(b)).isEqualTo("pg-1 - -");
        on(() -> f.onFailover(Optional.of("{\"member\":\"pg-1\"}"), 12));
        assertThat(usable(b)).isEqualTo("pg-1 - -");
        // A request without a leader is for whoever holds the key
        on(() -> f.onFailover(Optional.of("{\"member\":\"pg-3\"}"), 13));
        assertThat(usable(b)).isEqualTo("- - -");
    }

    @Test
    void aRequestThatIsNeverCarriedOutHoldsForTheLimitOnly() throws Exception {
        Backend b = backend("primary");
        DcsWiring.Follower f = ledByPg1(b, clock);
        on(() -> f.onFailover(Optional.of(SWITCH_1_TO_2), 11));
        clock.now = clock.now.plus(DcsWiring.SWITCHOVER_HOLD).minusMillis(1);
        on(f::applySwitchover);
        assertThat(usable(b)).isEqualTo("- - -");
        clock.now = clock.now.plusMillis(1);
        on(f::applySwitchover);
        assertThat(usable(b)).isEqualTo("pg-1 - -");
    }

    @Test
    void aScheduledSwitchoverWithdrawsTheLeaderAtItsTime() throws Exception {
        Backend b = backend("primary");
        DcsWiring.Follower f = ledByPg1(b, Clock.systemUTC());
        Instant at = Instant.now().plusMillis(400);
        on(() -> f.onFailover(Optional.of("{\"leader\":\"pg-1\",\"member\":\"pg-2\",\"scheduled_at\":\"" + at + "\"}"), 11));
        assertThat(usable(b)).isEqualTo("pg-1 - -");
        await().atMost(Duration.ofSeconds(5)).until(() -> usable(b).equals("- - -"));
        assertThat(Instant.now()).isAfterOrEqualTo(at);
    }

    @Test
    void aClosedFollowerLiftsItsVetoesAndItsScheduledSwitchoverNeverFires() throws Exception {
        Backend b = backend("primary");
        DcsWiring.Follower f = ledByPg1(b, Clock.systemUTC());
        Instant at = Instant.now().plusMillis(200);
        on(() -> f.onFailover(Optional.of("{\"leader\":\"pg-1\",\"member\":\"pg-2\",\"scheduled_at\":\"" + at + "\"}"), 11));
        assertThat(usable(b)).isEqualTo("pg-1 - -");
        // a reload stops following the backend's keys
        on(f::close);
        assertThat(usable(b)).isEqualTo("pg-1 pg-2 pg-3");
        await().during(Duration.ofMillis(600)).atMost(Duration.ofSeconds(2)).until(() -> usable(b).equals("pg-1 pg-2 pg-3"));
        // what its watch still delivers is not acted on
        on(() -> f.onLeader(Optional.of("pg-2"), 12));
        assertThat(usable(b)).isEqualTo("pg-1 pg-2 pg-3");
    }

    @Test
    void anUnreadableRequestWithdrawsNobody() throws Exception {
        Backend b = backend("primary");
        DcsWiring.Follower f = ledByPg1(b, clock);
        on(() -> f.onFailover(Optional.of("{\"leader\":\"pg-1\",\"scheduled_at\":\"soon\"}"), 11));
        assertThat(usable(b)).isEqualTo("pg-1 - -");
    }

    @Test
    void losingEtcdLiftsTheHold() throws Exception {
        Backend b = backend("primary");
        DcsWiring.Follower f = ledByPg1(b, clock);
        on(() -> f.onFailover(Optional.of(SWITCH_1_TO_2), 11));
        on(() -> f.failoverKey().onUnavailable("etcd down"));
        // pg-2 and pg-3 stay out by the leader key; pg-1 is no longer held
        assertThat(usable(b)).isEqualTo("pg-1 - -");
        on(() -> f.leaderKey().onUnavailable("etcd down"));
        assertThat(usable(b)).isEqualTo("pg-1 pg-2 pg-3");
    }

    @Test
    void aReplicaPoolKeepsItsSessionsDuringTheRequest() throws Exception {
        Backend b = backend("replicas");
        DcsWiring.Follower f = follower(b, PoolKind.REPLICA, clock);
        on(() -> f.onLeader(Optional.of("pg-1"), 10));
        on(() -> f.onFailover(Optional.of(SWITCH_1_TO_2), 11));
        assertThat(usable(b)).isEqualTo("- pg-2 pg-3");
    }

    /** A clock the test moves. */
    private static final class SettableClock extends Clock {
        volatile Instant now;

        SettableClock(Instant now) {
            this.now = now;
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }
}
