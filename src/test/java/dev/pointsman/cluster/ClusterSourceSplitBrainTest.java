package dev.pointsman.cluster;

import static dev.pointsman.cluster.Fixtures.cluster;
import static dev.pointsman.cluster.Fixtures.member;
import static dev.pointsman.cluster.Fixtures.patroni;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pointsman.config.PatroniView;
import dev.pointsman.config.Proxy;
import dev.pointsman.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** The source feeds every poll and the leader key to its detector, logs the alert and keeps the counts. */
class ClusterSourceSplitBrainTest {
    final ManualScheduler scheduler = new ManualScheduler();
    final ScriptedClient client = new ScriptedClient();
    final List<SplitBrain> heard = new ArrayList<>();
    final Map<String, SplitBrain.Traffic> totals = new HashMap<>(Map.of("pg-3", new SplitBrain.Traffic(50, 700)));
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final ClusterListener listener = new ClusterListener() {
        @Override
        public void onView(ClusterView view, ViewChange change) {}

        @Override
        public void onSplitBrain(SplitBrain alert) {
            heard.add(alert);
        }

        @Override
        public SplitBrain.Traffic traffic(String server) {
            return totals.get(server);
        }
    };

    @BeforeEach
    void captureLogs() {
        logs.start();
        ((Logger) LoggerFactory.getLogger("cluster")).addAppender(logs);
    }

    @AfterEach
    void releaseLogs() {
        ((Logger) LoggerFactory.getLogger("cluster")).detachAppender(logs);
    }

    static String m(String name, String role, int i, long timeline) {
        return member(name, role, "running", "127.0.0.1", 15432 + i, 8008 + i, timeline, role.equals("leader") ? null : "0");
    }

    /** Every node answers /cluster with {@code members}; the leader's API (port) answers /patroni as primary on {@code tl}. */
    void clusterIs(int leaderPort, long tl, String... members) {
        for (int port = 8008; port <= 8010; port++) {
            client.answer(port, "/cluster", cluster(null, members))
                    .answer(port, "/patroni", patroni("replica", "running", "pointsman", tl, 1))
                    .answer(port, "/history", "[]");
        }
        client.answer(leaderPort, "/patroni", patroni("master", "running", "pointsman", tl, 1));
    }

    @Test
    void aLeaderBackOnItsOldTimelineIsLoggedAsAnAlertCountedAndAcknowledged() {
        // Given pg-1 leading timeline 18
        clusterIs(8008, 18, m("pg-1", "leader", 0, 18), m("pg-3", "replica", 2, 18));
        Proxy backend = Fixtures.backend("/", PatroniView.AUTO, Fixtures.threeServers(8008, 8009, 8010));
        ClusterSource source = ClusterSource.start(backend, scheduler, client, listener).orElseThrow();
        scheduler.runPending();
        assertThat(source.current().orElseThrow().leader()).isEqualTo("pg-1");

        // When pg-1 freezes (its API times out), the etcd watch sees pg-3 take the key, and pg-3 is promoted to 19
        client.fail(8008, "/cluster", "answer timeout").fail(8008, "/patroni", "answer timeout");
        scheduler.advance(Duration.ofSeconds(30));
        source.leaderKey(Optional.of("pg-3"));
        scheduler.runPending();
        long keyMoved = scheduler.epochMillis();
        clusterIs(8010, 19, m("pg-3", "leader", 2, 19));
        client.fail(8008, "/cluster", "answer timeout").fail(8008, "/patroni", "answer timeout");
        scheduler.advance(Duration.ofSeconds(2));
        assertThat(source.current().orElseThrow().leaderStatus().confirmed()).isTrue();
        totals.put("pg-3", new SplitBrain.Traffic(53, 1000)); // what Pointsman sent pg-3 meanwhile
        // and pg-1 resumes and takes the key back on timeline 18
        clusterIs(8008, 18, m("pg-1", "leader", 0, 18), m("pg-3", "replica", 2, 19));
        scheduler.advance(Duration.ofSeconds(2));

        // Then one alert, heard by the runtime and logged at level error
        assertThat(heard).singleElement().satisfies(a -> {
            assertThat(a.leader()).isEqualTo("pg-1");
            assertThat(a.losing()).isEqualTo("pg-3");
            assertThat(a.fromMillis()).isEqualTo(keyMoved);
            assertThat(a.sent()).isEqualTo(new SplitBrain.Traffic(3, 300));
        });
        assertThat(logs.list).filteredOn(e -> e.getLevel() == Level.ERROR).singleElement()
                .extracting(ILoggingEvent::getFormattedMessage).asString()
                .startsWith("backend 'primary': ALERT: split brain in Patroni cluster 'pointsman': leader pg-1 runs on"
                        + " timeline 18 after pg-3 led timeline 19 (from ")
                .contains("Pointsman sent pg-3 3 sessions and 300 bytes in that window");
        assertThat(source.alerts()).isEqualTo(new SplitBrainAlerts(1, 1, heard.get(0)));

        // When an operator acknowledges
        CompletableFuture<Integer> acked = source.acknowledge().toCompletableFuture();
        scheduler.runPending();
        // Then the count stays, nothing is left unacknowledged
        assertThat(acked).isCompletedWithValue(1);
        assertThat(source.alerts()).isEqualTo(new SplitBrainAlerts(1, 0, heard.get(0)));
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(heard).hasSize(1);
    }
}
