package dev.pointsman.cluster;

import static dev.pointsman.cluster.Fixtures.cluster;
import static dev.pointsman.cluster.Fixtures.member;
import static dev.pointsman.cluster.Fixtures.patroni;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pointsman.config.PatroniView;
import dev.pointsman.config.Proxy;
import dev.pointsman.testing.ManualScheduler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Discovery and polling on a manual scheduler with a scripted client: no sockets, no sleeping. */
class PollerTest {
    static final String LEADER = member("pg-1", "leader", "running", "127.0.0.1", 15432, 8008, 8, null);
    static final String REPLICA2 = member("pg-2", "replica", "running", "127.0.0.1", 15433, 8009, 8, "0");
    static final String REPLICA3 = member("pg-3", "replica", "running", "127.0.0.1", 15434, 8010, 8, "0");
    static final String REPLICA_JSON = patroni("replica", "running", "pointsman", 8, 100);

    final ManualScheduler scheduler = new ManualScheduler();
    final ScriptedClient client = new ScriptedClient();
    final List<ClusterView> views = new ArrayList<>();
    final List<ViewChange> changes = new ArrayList<>();
    final List<String> discovered = new ArrayList<>();
    final ListAppender<ILoggingEvent> logs = new ListAppender<>();
    final ClusterListener listener = new ClusterListener() {
        @Override
        public void onView(ClusterView view, ViewChange change) {
            views.add(view);
            changes.add(change);
        }

        @Override
        public void onDiscovered(String scope) {
            discovered.add(scope);
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

    ScriptedClient healthyCluster() {
        return client.answer(8008, "/patroni", patroni("master", "running", "pointsman", 8, 100))
                .answer(8009, "/patroni", REPLICA_JSON).answer(8010, "/patroni", REPLICA_JSON)
                .answer(8008, "/cluster", cluster(null, LEADER, REPLICA2, REPLICA3))
                .answer(8009, "/cluster", cluster(null, LEADER, REPLICA2, REPLICA3))
                .answer(8010, "/cluster", cluster(null, LEADER, REPLICA2, REPLICA3))
                .answer(8008, "/history", Fixtures.history(8)).answer(8009, "/history", Fixtures.history(8));
    }

    ClusterSource start(PatroniView view) {
        Proxy backend = Fixtures.backend("/", view, Fixtures.threeServers(8008, 8009, 8010));
        ClusterSource source = ClusterSource.start(backend, scheduler, client, listener).orElseThrow();
        scheduler.runPending();
        return source;
    }

    ClusterSource startAuto() {
        return start(PatroniView.AUTO);
    }

    @Test
    void discoveryAsksEachCheckPortOnceThenPollsTheCluster() {
        // Given three Patroni 3.0 nodes
        healthyCluster();
        // When the source starts
        ClusterSource source = startAuto();
        // Then each check port was asked /patroni once, the scope is known, and a view was published
        assertThat(discovered).containsExactly("pointsman");
        assertThat(client.requests()).startsWith("8008 /patroni", "8009 /patroni", "8010 /patroni");
        assertThat(client.requests()).containsSubsequence("8008 /cluster", "8008 /patroni", "8008 /history");
        ClusterView v = source.current().orElseThrow();
        assertThat(v.leader()).isEqualTo("pg-1");
        assertThat(v.leaderStatus().confirmed()).isTrue();
        assertThat(v.history()).hasSize(2);
        assertThat(source.interval()).isEqualTo(Fixtures.INTER);
    }

    @Test
    void pollRepeatsAtTheIntervalAndFetchesHistoryOnlyWhenTheTimelineMoves() {
        healthyCluster();
        startAuto();
        scheduler.advance(Duration.ofMillis(2000));
        assertThat(client.count("8008 /cluster")).isEqualTo(5);
        assertThat(client.count("8008 /history")).isEqualTo(1);
        assertThat(views).as("unchanged polls publish nothing").hasSize(1);
    }

    @Test
    void checkPortsThatAreNotPatroniLeaveNoView() {
        client.answer(8008, "/patroni", "<html>hello</html>").answer(8009, "/patroni", "{}").fail(8010, "/patroni",
                "connect: Connection refused");
        ClusterSource source = startAuto();
        scheduler.advance(Duration.ofSeconds(30));
        assertThat(source.current()).isEmpty();
        assertThat(client.requests()).noneMatch(r -> r.endsWith("/cluster")).hasSize(3);
    }

    @Test
    void unreachableCheckPortsAreAskedAgainLater() {
        client.fail(8008, "/patroni", "refused").fail(8009, "/patroni", "refused").fail(8010, "/patroni", "refused");
        ClusterSource source = startAuto();
        healthyCluster();
        scheduler.advance(Discovery.RETRY);
        assertThat(discovered).containsExactly("pointsman");
        assertThat(source.current()).isPresent();
    }

    @Test
    void viewIsOffWithPatroniViewOffOrWithoutHttpChecks() {
        Proxy off = Fixtures.backend("/", new PatroniView(PatroniView.Mode.OFF, List.of(), Optional.empty(),
                java.util.OptionalLong.empty(), Optional.empty(), Duration.ZERO, Duration.ZERO), Fixtures.threeServers(8008));
        assertThat(ClusterSource.start(off, scheduler, client, listener)).isEmpty();
    }

    @Test
    void aHangingMemberHoldsTheOnlyRequestThenThePollRotatesToTheNext() {
        // Given discovery done and then /cluster on 8008 hanging
        healthyCluster();
        startAuto();
        client.hang(8008, "/cluster");
        scheduler.advance(Duration.ofMillis(500));
        // When time passes while it hangs, Then no second request is made
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(client.count("8008 /cluster")).isEqualTo(2);
        assertThat(client.count("8009 /cluster")).isZero();
        // When the hang ends in a timeout, Then the same round asks the next member, and stays with it
        client.release(8008, "/cluster");
        scheduler.advance(Duration.ofMillis(1000));
        assertThat(client.count("8009 /cluster")).isEqualTo(3);
        assertThat(client.count("8008 /cluster")).isEqualTo(2);
        assertThat(client.maxInFlightPerNode()).isEqualTo(1);
    }

    @Test
    void aRefusingMemberIsSkippedWithinTheSameRound() {
        healthyCluster();
        startAuto();
        client.fail(8008, "/cluster", "connect: Connection refused");
        int before = views.size();
        scheduler.advance(Duration.ofMillis(500));
        assertThat(client.requests()).endsWith("8008 /cluster", "8009 /cluster", "8008 /patroni");
        assertThat(views).hasSize(before);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage).noneMatch(m -> m.contains("no Patroni REST API"));
    }

    @Test
    void whenNoMemberAnswersTheViewTurnsStaleAfterThreeIntervals() {
        healthyCluster();
        startAuto();
        client.fail(8008, "/cluster", "refused").fail(8009, "/cluster", "refused").fail(8010, "/cluster", "refused");
        scheduler.advance(Duration.ofMillis(1400));
        assertThat(views.get(views.size() - 1).stale()).isFalse();
        scheduler.advance(Duration.ofMillis(200));
        assertThat(views.get(views.size() - 1).stale()).isTrue();
        assertThat(changes.get(changes.size() - 1).staleChanged()).isTrue();
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.contains("no Patroni REST API answered")).hasSize(1);
    }

    @Test
    void hurryPollsEvery150msForTheWindowThenReturnsToTheInterval() {
        healthyCluster();
        ClusterSource source = startAuto();
        long before = client.count("8008 /cluster");
        // When hurried for 1.5 s
        source.hurry(Duration.ofMillis(1500));
        scheduler.advance(Duration.ofMillis(1500));
        // Then about ten polls ran (at 0, 150, ..., 1500 ms)
        assertThat(client.count("8008 /cluster") - before).isBetween(10L, 11L);
        // And afterwards the interval is back to 500 ms
        long after = client.count("8008 /cluster");
        scheduler.advance(Duration.ofMillis(2000));
        assertThat(client.count("8008 /cluster") - after).isBetween(4L, 5L);
    }

    @Test
    void anEstablishedEtcdWatchSlowsPollingToTheCalmIntervalOnceNothingHappenedForTheSettlePeriod() {
        // Given a polled cluster whose etcd watch is established
        healthyCluster();
        ClusterSource source = startAuto();
        source.watch(true);
        // When nothing happens for the settle period
        scheduler.advance(PollPace.SETTLE);
        long before = client.count("8008 /cluster");
        scheduler.advance(Duration.ofSeconds(20));
        // Then the view is polled every 5 s (calm-interval), not every 500 ms, and never goes stale
        assertThat(client.count("8008 /cluster") - before).isBetween(4L, 5L);
        assertThat(source.current().orElseThrow().stale()).isFalse();
        assertThat(changes).noneMatch(ViewChange::staleChanged);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.contains("nothing changed for 15 s: cluster view polled every 5000 ms")).hasSize(1);
    }

    @Test
    void withoutAnEtcdWatchPollingStaysAtTheInterval() {
        healthyCluster();
        startAuto();
        scheduler.advance(PollPace.SETTLE);
        long before = client.count("8008 /cluster");
        scheduler.advance(Duration.ofSeconds(20));
        assertThat(client.count("8008 /cluster") - before).isBetween(40L, 41L);
    }

    @Test
    void aHurryWhileCalmPollsWithin150msNotAtTheNextCalmRound() {
        // Given calm polling
        healthyCluster();
        ClusterSource source = startAuto();
        source.watch(true);
        scheduler.advance(PollPace.SETTLE.plusSeconds(6));
        long before = client.count("8008 /cluster");
        // When the leader key moves (the DCS wiring hurries the view)
        source.hurry(Duration.ofSeconds(5));
        scheduler.advance(Duration.ofMillis(100));
        // Then a poll ran at once, and the next ones come every 150 ms (150, 300, 450, 600 ms)
        assertThat(client.count("8008 /cluster") - before).isEqualTo(1);
        scheduler.advance(Duration.ofMillis(500));
        assertThat(client.count("8008 /cluster") - before).isEqualTo(5);
    }

    @Test
    void theEtcdWatchGoingDownHurriesThenPollsAtTheIntervalAndTheViewIsStaleAfterThreeIntervals() {
        // Given calm polling
        healthyCluster();
        ClusterSource source = startAuto();
        source.watch(true);
        scheduler.advance(PollPace.SETTLE.plusSeconds(6));
        long before = client.count("8008 /cluster");
        // When the watch goes down
        source.watch(false);
        scheduler.advance(Duration.ofMillis(100));
        // Then the view is polled at once and hurried for 5 s, then every 500 ms
        assertThat(client.count("8008 /cluster") - before).isEqualTo(1);
        scheduler.advance(Poller.HURRY_AFTER_CHANGE);
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .contains("backend 'primary': cluster view polled every 150 ms again");
        long after = client.count("8008 /cluster");
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(client.count("8008 /cluster") - after).isBetween(10L, 11L);
        // And once no member answers, the view is stale after three intervals (1.5 s), not three calm ones
        client.fail(8008, "/cluster", "refused").fail(8009, "/cluster", "refused").fail(8010, "/cluster", "refused");
        scheduler.advance(Duration.ofMillis(1600));
        assertThat(source.current().orElseThrow().stale()).isTrue();
    }

    @Test
    void aViewTakenWhileCalmIsStaleAtTheNormalLimitWhenTheWatchGoesDownAndNoMemberAnswers() {
        // Given calm polling, the last view 4 s old
        healthyCluster();
        ClusterSource source = startAuto();
        source.watch(true);
        scheduler.advance(PollPace.SETTLE.plusSeconds(6));
        client.fail(8008, "/cluster", "refused").fail(8009, "/cluster", "refused").fail(8010, "/cluster", "refused");
        scheduler.advance(Duration.ofSeconds(4));
        assertThat(source.current().orElseThrow().stale()).as("calm: stale after 15 s").isFalse();
        // When the watch goes down
        source.watch(false);
        scheduler.advance(Duration.ofMillis(10));
        // Then the view is stale at once: older than three intervals
        assertThat(source.current().orElseThrow().stale()).isTrue();
    }

    @Test
    void aRoleChangeIsReportedAndHurriesThePoller() {
        healthyCluster();
        startAuto();
        // When pg-2 takes over
        String newLeader = member("pg-2", "leader", "running", "127.0.0.1", 15433, 8009, 9, null);
        String oldLeader = member("pg-1", "replica", "stopped", "127.0.0.1", 15432, 8008, 8, "\"unknown\"");
        client.answer(8008, "/cluster", cluster(null, oldLeader, newLeader, REPLICA3))
                .answer(8009, "/patroni", patroni("master", "running", "pointsman", 9, 200));
        scheduler.advance(Duration.ofMillis(500));
        // Then the change names both and the leader move; the next polls come every 150 ms
        ViewChange c = changes.get(changes.size() - 1);
        assertThat(c.roleChanged()).containsExactlyInAnyOrder("pg-1", "pg-2");
        assertThat(c.leaderChanged()).isTrue();
        assertThat(views.get(views.size() - 1).leaderStatus().member()).isEqualTo("pg-2");
        long n = client.count("8008 /cluster");
        scheduler.advance(Duration.ofMillis(450));
        assertThat(client.count("8008 /cluster") - n).isEqualTo(3);
    }

    @Test
    void disagreementIsLoggedOnceAndRoutingFallsBackToChecks() {
        healthyCluster();
        client.answer(8008, "/cluster", cluster(null, LEADER,
                member("pg-2", "leader", "running", "127.0.0.1", 15433, 8009, 8, null)));
        ClusterSource source = startAuto();
        scheduler.advance(Duration.ofMillis(2000));
        assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                .filteredOn(m -> m.contains("members disagree about the leader")).hasSize(1);
        ClusterView v = source.current().orElseThrow();
        assertThat(RoutingRules.verdict(v, source.pool(), "pg-2", java.time.Instant.ofEpochMilli(v.polledAtMillis()))
                .allowed()).isTrue();
    }

    @Test
    void aServerAnsweringForAnotherScopeAtDiscoveryMakesTheViewInconsistent() {
        healthyCluster();
        client.answer(8010, "/patroni", patroni("replica", "running", "batman", 8, 1));
        ClusterSource source = startAuto();
        scheduler.advance(Duration.ofMillis(500));
        assertThat(source.current().orElseThrow().problem()).contains("server pg-3 answers for scope 'batman'");
    }

    @Test
    void urlModePollsTheGivenUrlsWithoutDiscovery() {
        healthyCluster();
        ClusterSource source = start(Fixtures.urls("http://127.0.0.1:8009"));
        assertThat(client.requests().get(0)).isEqualTo("8009 /cluster");
        assertThat(source.current().orElseThrow().scope()).isEqualTo("pointsman");
        assertThat(source.interval()).isEqualTo(Duration.ofMillis(200));
    }

    @Test
    void timeMaxLagAsksEachReplicaOneAfterTheOther() {
        healthyCluster();
        start(Fixtures.view(null, null, Duration.ofSeconds(10), Duration.ofSeconds(1)));
        assertThat(client.requests()).containsSubsequence("8008 /cluster", "8008 /patroni", "8009 /patroni",
                "8010 /patroni");
        assertThat(client.maxInFlightPerNode()).isEqualTo(1);
    }

    @Test
    void aMemberBehindTheLeadersTimelineIsAskedForItsOwnPositionEveryRound() {
        // pg-3 was promoted to 9; pg-1, the old leader, is still listed on 8
        String leader3 = member("pg-3", "leader", "running", "127.0.0.1", 15434, 8010, 9, null);
        String old1 = member("pg-1", "replica", "running", "127.0.0.1", 15432, 8008, 8, "0");
        String replica2 = member("pg-2", "replica", "running", "127.0.0.1", 15433, 8009, 9, "0");
        client.answer(8008, "/patroni", patroni("master", "running", "pointsman", 8, 5000))
                .answer(8009, "/patroni", REPLICA_JSON)
                .answer(8010, "/patroni", patroni("master", "running", "pointsman", 9, 4000))
                .answer(8008, "/cluster", cluster(null, old1, replica2, leader3))
                .answer(8009, "/cluster", cluster(null, old1, replica2, leader3))
                .answer(8010, "/cluster", cluster(null, old1, replica2, leader3))
                .answer(8008, "/history", Fixtures.history(9));
        startAuto();

        assertThat(client.requests()).containsSubsequence("8008 /cluster", "8010 /patroni", "8008 /patroni",
                "8008 /history");
        assertThat(client.count("8009 /patroni")).as("a replica on the leader's timeline is not asked").isEqualTo(1);
        assertThat(views.get(0).member("pg-1").orElseThrow().wal())
                .isEqualTo(new Member.Wal("master", true, 8L, 5000L));
        assertThat(client.maxInFlightPerNode()).isEqualTo(1);
    }

    @Test
    void aHistoryThatDoesNotYetEndTheLeadersPreviousTimelineIsFetchedAgain() {
        healthyCluster().answer(8008, "/history", Fixtures.history(7)); // Patroni has not written timeline 7's end yet
        startAuto();
        scheduler.advance(Duration.ofMillis(1000)); // two more rounds at the 500 ms interval
        assertThat(client.count("8008 /history")).isEqualTo(3);

        client.answer(8008, "/history", Fixtures.history(8));
        scheduler.advance(Duration.ofMillis(3000));
        assertThat(client.count("8008 /history")).as("complete now: not asked again").isEqualTo(4);
    }

    @Test
    void closeStopsPolling() {
        healthyCluster();
        ClusterSource source = startAuto();
        source.close();
        scheduler.runPending();
        int n = client.requests().size();
        scheduler.advance(Duration.ofSeconds(5));
        assertThat(client.requests()).hasSize(n);
    }

    @Test
    void aHistoryPatroniWritesAtItsNextHaCycleIsStillFetchedAfterAHurriedFailover() {
        // Given a leader just promoted to 8 whose Patroni has not written timeline 7's end to the DCS yet
        healthyCluster().answer(8008, "/history", Fixtures.history(7));
        ClusterSource source = startAuto();
        // When the poller hurries (a role change, or a check changing state) for 5 s at 150 ms
        source.hurry(Duration.ofSeconds(5));
        scheduler.advance(Duration.ofSeconds(5));
        // and Patroni writes the history at its next HA cycle (loop_wait 10 s by default)
        client.answer(8008, "/history", Fixtures.history(8));
        int before = client.requests().size();
        scheduler.advance(Duration.ofSeconds(6));

        // Then the poller still asks for it (the split-brain detector reads every polled view)
        assertThat(client.requests().subList(before, client.requests().size()))
                .as("the WAL-discarded rule needs timeline 7's end").contains("8008 /history");
    }
}
