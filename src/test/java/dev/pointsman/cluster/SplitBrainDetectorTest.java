package dev.pointsman.cluster;

import static dev.pointsman.cluster.Fixtures.patroni;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.check.PatroniStatus;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * Split-brain detection replayed over view sequences built by the real {@link ViewBuilder} from
 * Patroni 3.0 answers: clean switchovers and failovers stay silent, the frozen-leader split of
 * issue 13 alerts once with nodes, timelines, window and counts.
 */
class SplitBrainDetectorTest {
    static final Instant T0 = Instant.parse("2027-01-15T10:00:00Z");
    static final String SYSID = "7712607223093953987";

    final Map<String, SplitBrain.Traffic> counters = new HashMap<>();
    final SplitBrainDetector detector = new SplitBrainDetector("primary", counters::get);
    final List<SplitBrain> alerts = new ArrayList<>();
    ViewBuilder.Context ctx = new ViewBuilder.Context("primary", Fixtures.threeServers(8008, 8009, 8010),
            ViewBuilderTest.LIMITS, "pointsman", List.of());
    ClusterView previous;
    Instant now = T0;
    List<ClusterView.HistoryEntry> history = List.of();
    /** The members' own /patroni answers the next poll carries (asked for members behind the leader's timeline). */
    Map<String, String> own = new HashMap<>();

    SplitBrainDetectorTest() {
        for (String s : List.of("pg-1", "pg-2", "pg-3")) {
            counters.put(s, new SplitBrain.Traffic(0, 0));
        }
    }

    // ---- fixtures: one /cluster member per pg-N on 127.0.0.1:1543(N+1), its REST API on 800(7+N)

    static String m(String name, String role, String state, long timeline) {
        int i = Integer.parseInt(name.substring(3)) - 1;
        return Fixtures.member(name, role, state, "127.0.0.1", 15432 + i, 8008 + i, timeline,
                role.equals("leader") ? null : "0");
    }

    /** A member without a timeline (Patroni leaves it out while PostgreSQL is not queryable). */
    static String noTimeline(String name, String role, String state) {
        int i = Integer.parseInt(name.substring(3)) - 1;
        return "{\"name\": \"" + name + "\", \"role\": \"" + role + "\", \"state\": \"" + state
                + "\", \"api_url\": \"http://127.0.0.1:" + (8008 + i) + "/patroni\", \"host\": \"127.0.0.1\", \"port\": "
                + (15432 + i) + "}";
    }

    static String primary(long timeline) {
        return patroni("master", "running", "pointsman", timeline, 100);
    }

    static String replicaAnswer(long timeline) {
        return patroni("replica", "running", "pointsman", timeline, 100);
    }

    static ClusterView.HistoryEntry ended(long timeline, Instant at, String newLeader) {
        return new ClusterView.HistoryEntry(timeline, 1000 * timeline, "no recovery target specified",
                at.toString().replace("Z", "+00:00"), newLeader);
    }

    /** The view a poll at {@link #now} builds: {@code leader} is the DCS leader's /patroni, null when unanswered. */
    ClusterView view(String leader, String... members) throws Exception {
        PatroniStatus status = leader == null ? null
                : PatroniStatus.parse(leader.getBytes(StandardCharsets.UTF_8)).orElseThrow();
        ClusterView v = ViewBuilder.build(ctx, previous, new ViewBuilder.Poll("http://127.0.0.1:8009",
                Answers.cluster(Fixtures.cluster(null, members).getBytes(StandardCharsets.UTF_8)), status,
                leader == null ? "answer timeout" : null, owns(), history), now.toEpochMilli());
        previous = v;
        return v;
    }

    Map<String, PatroniStatus> owns() {
        Map<String, PatroniStatus> out = new HashMap<>();
        own.forEach((k, v) -> out.put(k, PatroniStatus.parse(v.getBytes(StandardCharsets.UTF_8)).orElseThrow()));
        return out;
    }

    /** Feeds the view to the detector, collecting what it says. */
    Optional<SplitBrain> poll(ClusterView v) {
        Optional<SplitBrain> a = detector.observe(v, now.toEpochMilli());
        a.ifPresent(alerts::add);
        return a;
    }

    Optional<SplitBrain> poll(String leader, String... members) throws Exception {
        return poll(view(leader, members));
    }

    void at(String isoTime) {
        now = Instant.parse("2027-01-15T" + isoTime + "Z");
    }

    void send(String server, long sessions, long bytes) {
        SplitBrain.Traffic t = counters.get(server);
        counters.put(server, new SplitBrain.Traffic(t.sessions() + sessions, t.bytesToServer() + bytes));
    }

    // ---- normal life: no alert

    @Test
    void aCleanSwitchoverNeverAlerts() throws Exception {
        // Given pg-1 leading timeline 8
        poll(primary(8), m("pg-1", "leader", "running", 8), m("pg-2", "replica", "running", 8),
                m("pg-3", "replica", "running", 8));
        // When patronictl switchover --candidate pg-3 runs its course, polled every 150 ms
        at("10:00:00.150"); // pg-1 demotes: still the key holder, no longer a running primary
        poll(patroni("demoted", "stopping", "pointsman", 8, 100), m("pg-1", "leader", "stopping", 8),
                m("pg-2", "replica", "running", 8), m("pg-3", "replica", "running", 8));
        at("10:00:00.300"); // the key is released
        poll(null, m("pg-1", "replica", "stopped", 8), m("pg-2", "replica", "running", 8),
                m("pg-3", "replica", "running", 8));
        at("10:00:00.350");
        detector.leaderKey(Optional.of("pg-3"), now.toEpochMilli());
        at("10:00:00.450"); // pg-3 holds the key, its promotion not over: its /patroni still says replica
        poll(replicaAnswer(8), m("pg-1", "replica", "stopped", 8), m("pg-2", "replica", "running", 8),
                m("pg-3", "leader", "running", 8));
        at("10:00:00.600"); // promoted: its own /patroni says timeline 9 before its member key does
        poll(primary(9), m("pg-1", "replica", "stopped", 8), m("pg-2", "replica", "running", 8),
                m("pg-3", "leader", "running", 8));
        history = List.of(ended(8, now, "pg-3"));
        at("10:00:01.600"); // pg-1 starts as a replica, still on timeline 8 until it follows
        poll(primary(9), m("pg-1", "replica", "running", 8), m("pg-2", "replica", "running", 9),
                m("pg-3", "leader", "running", 9));
        at("10:00:03");
        poll(primary(9), m("pg-1", "replica", "running", 9), m("pg-2", "replica", "running", 9),
                m("pg-3", "leader", "running", 9));
        at("10:00:04");
        poll(primary(9), m("pg-1", "replica", "running", 9), m("pg-2", "replica", "running", 9),
                m("pg-3", "leader", "running", 9));

        // Then
        assertThat(alerts).isEmpty();
        assertThat(detector.alerts()).isEqualTo(SplitBrainAlerts.NONE);
    }

    @Test
    void aCrashFailoverFromTimelineNToNPlusOneNeverAlerts() throws Exception {
        poll(primary(8), m("pg-1", "leader", "running", 8), m("pg-2", "replica", "running", 8),
                m("pg-3", "replica", "running", 8));
        // pg-1 crashes: its key lives on until the TTL, its API does not answer
        for (int s = 1; s <= 30; s++) {
            at("10:00:%02d".formatted(s));
            poll(null, m("pg-1", "leader", "running", 8), m("pg-2", "replica", "running", 8),
                    m("pg-3", "replica", "running", 8));
        }
        at("10:00:31"); // the key expired, pg-1's member key too
        poll(null, m("pg-2", "replica", "running", 8), m("pg-3", "replica", "running", 8));
        at("10:00:31.200");
        poll(replicaAnswer(8), m("pg-2", "leader", "running", 8), m("pg-3", "replica", "running", 8));
        at("10:00:31.500");
        poll(primary(9), m("pg-2", "leader", "running", 8), m("pg-3", "replica", "running", 8));
        history = List.of(ended(8, now, "pg-2"));
        at("10:00:33");
        poll(primary(9), m("pg-2", "leader", "running", 9), m("pg-3", "replica", "running", 9));
        // pg-1 comes back: a replica on its old timeline until pg_rewind, then on 9
        at("10:01:00");
        poll(primary(9), m("pg-1", "replica", "starting", 8), m("pg-2", "leader", "running", 9),
                m("pg-3", "replica", "running", 9));
        at("10:01:05");
        poll(primary(9), m("pg-1", "replica", "running", 8), m("pg-2", "leader", "running", 9),
                m("pg-3", "replica", "running", 9));
        at("10:01:10");
        poll(primary(9), m("pg-1", "replica", "running", 9), m("pg-2", "leader", "running", 9),
                m("pg-3", "replica", "running", 9));

        assertThat(alerts).isEmpty();
    }

    @Test
    void aLaggingReplicaThatTakesTheKeyAndThenPromotesIsNoSplit() throws Exception {
        // Given pg-3 leading 19 while pg-2 still replays timeline 18 (Patroni's check_timeline is off by default)
        poll(primary(19), m("pg-1", "replica", "running", 19), m("pg-2", "replica", "running", 18),
                m("pg-3", "leader", "running", 19));
        // When pg-3 dies and pg-2 takes the key before it caught up, then promotes
        at("10:00:40");
        poll(replicaAnswer(18), m("pg-1", "replica", "running", 19), m("pg-2", "leader", "running", 18));
        at("10:00:41");
        poll(primary(20), m("pg-1", "replica", "running", 19), m("pg-2", "leader", "running", 18));
        // Then the key on a member listed on a lower timeline is no alert by itself: only a confirmed primary is
        assertThat(alerts).isEmpty();
    }

    @Test
    void normalFailoversBackAndForthNeverAlert() throws Exception {
        String[] leaders = {"pg-1", "pg-3", "pg-1", "pg-3", "pg-1"};
        for (int i = 0; i < leaders.length; i++) {
            long tl = 8 + i;
            String leader = leaders[i];
            String other = leader.equals("pg-1") ? "pg-3" : "pg-1";
            at("10:0%d:00".formatted(i));
            poll(replicaAnswer(tl - 1), m(leader, "leader", "running", tl - 1), m(other, "replica", "stopped", tl - 1));
            at("10:0%d:01".formatted(i));
            poll(primary(tl), m(leader, "leader", "running", tl), m(other, "replica", "running", tl - 1));
            at("10:0%d:10".formatted(i));
            poll(primary(tl), m(leader, "leader", "running", tl), m(other, "replica", "running", tl));
        }
        assertThat(alerts).isEmpty();
    }

    // ---- the frozen leader of issue 13

    @Test
    void aFrozenLeaderThatComesBackOnItsOldTimelineAlertsOnceWithNodesTimelinesWindowAndCounts() throws Exception {
        send("pg-3", 100, 5000); // read traffic before: not part of the window
        // Given pg-1 leading timeline 18
        at("10:00:00");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-2", "replica", "running", 18),
                m("pg-3", "replica", "running", 18));
        // When pg-1 is frozen (SIGSTOP) for 45 s > ttl 30: its API hangs, its key lives until the TTL
        for (int s = 1; s <= 30; s++) {
            at("10:00:%02d".formatted(s));
            poll(null, m("pg-1", "leader", "running", 18), m("pg-2", "replica", "running", 18),
                    m("pg-3", "replica", "running", 18));
        }
        at("10:00:31"); // pg-3 takes the key
        poll(replicaAnswer(18), m("pg-2", "replica", "running", 18), m("pg-3", "leader", "running", 18));
        at("10:00:32"); // and is promoted to 19
        poll(primary(19), m("pg-2", "replica", "running", 18), m("pg-3", "leader", "running", 18));
        history = List.of(ended(17, T0.minus(Duration.ofDays(1)), "pg-1"), ended(18, now, "pg-3"));
        for (int s = 33; s <= 45; s++) {
            at("10:00:%02d".formatted(s));
            poll(primary(19), m("pg-2", "replica", "running", 19), m("pg-3", "leader", "running", 19));
            send("pg-3", 1, 2881); // writes through Pointsman, acknowledged by pg-3
        }
        assertThat(alerts).isEmpty();
        // pg-1 resumes and takes the key back on timeline 18 (Patroni 3.0.2 without watchdog)
        at("10:00:46.250");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-2", "replica", "running", 19),
                m("pg-3", "replica", "running", 19));

        // Then one alert, naming both nodes, both timelines, the window and Pointsman's own counts
        assertThat(alerts).hasSize(1);
        SplitBrain a = alerts.get(0);
        assertThat(a.kind()).isEqualTo(SplitBrain.Kind.TIMELINE_WENT_BACK);
        assertThat(a.leader()).isEqualTo("pg-1");
        assertThat(a.leaderTimeline()).isEqualTo(18L);
        assertThat(a.losing()).isEqualTo("pg-3");
        assertThat(a.losingServer()).isEqualTo("pg-3");
        assertThat(a.losingTimeline()).isEqualTo(19L);
        assertThat(a.fromMillis()).isEqualTo(Instant.parse("2027-01-15T10:00:31Z").toEpochMilli());
        assertThat(a.atMillis()).isEqualTo(now.toEpochMilli());
        assertThat(a.sent()).isEqualTo(new SplitBrain.Traffic(13, 13 * 2881));
        assertThat(a.message()).isEqualTo("split brain in Patroni cluster 'pointsman': leader pg-1 runs on timeline 18"
                + " after pg-3 led timeline 19 (from 2027-01-15 10:00:31.000 to 10:00:46.250 UTC); Pointsman sent pg-3"
                + " 13 sessions and 37453 bytes in that window; writes acknowledged on timeline 19 are lost unless"
                + " recovered from pg-3's WAL or a WAL archive. Routing follows the leader key (pg-1)");

        // When the cluster settles on pg-1: pg-3 demoted, rewound, following 18
        at("10:00:47");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-2", "replica", "running", 19),
                m("pg-3", "replica", "stopped", 19));
        at("10:00:50");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-2", "replica", "running", 18),
                m("pg-3", "replica", "running", 18));
        at("10:01:50");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-2", "replica", "running", 18),
                m("pg-3", "replica", "running", 18));
        // Then nothing more: one split, one alert
        assertThat(alerts).hasSize(1);
        assertThat(detector.alerts()).isEqualTo(new SplitBrainAlerts(1, 1, a));
    }

    @Test
    void theKeyWatchStartsTheWindowAndTheCountWhenTheKeyMoves() throws Exception {
        at("10:00:00");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        at("10:00:30.100");
        detector.leaderKey(Optional.of("pg-3"), now.toEpochMilli());
        send("pg-3", 2, 200); // after the key moved, before any poll saw it
        at("10:00:31");
        poll(primary(19), m("pg-3", "leader", "running", 19));
        at("10:00:40");
        detector.leaderKey(Optional.of("pg-1"), now.toEpochMilli());
        at("10:00:40.300");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 19));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.fromMillis()).isEqualTo(Instant.parse("2027-01-15T10:00:30.100Z").toEpochMilli());
            assertThat(a.sent()).isEqualTo(new SplitBrain.Traffic(2, 200));
        });
    }

    @Test
    void theSplitFlappingBackAndForthAlertsEachTimeALeaderGoesBack() throws Exception {
        for (int round = 0; round < 2; round++) {
            at("10:0%d:00".formatted(round * 2));
            poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
            at("10:0%d:30".formatted(round * 2));
            poll(primary(19), m("pg-3", "leader", "running", 19));
            at("10:0%d:50".formatted(round * 2));
            poll(primary(19), m("pg-3", "leader", "running", 19), m("pg-1", "replica", "running", 18));
        }
        at("10:04:00");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 19));

        // pg-1 back on 18 at 10:02:00 and 10:04:00; pg-3 back on 19 in between is not a new promotion to alert on
        assertThat(alerts).hasSize(2).allSatisfy(a -> {
            assertThat(a.leader()).isEqualTo("pg-1");
            assertThat(a.losing()).isEqualTo("pg-3");
        });
        assertThat(alerts).extracting(SplitBrain::fromMillis).containsExactly(
                Instant.parse("2027-01-15T10:00:30Z").toEpochMilli(), Instant.parse("2027-01-15T10:02:30Z").toEpochMilli());
    }

    // ---- what tells nothing

    @Test
    void staleViewsAreIgnored() throws Exception {
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        at("10:00:30");
        // a view with pg-3 confirmed on 19 that went stale is not remembered
        poll(view(primary(19), m("pg-3", "leader", "running", 19)).withStale(true));
        at("10:00:40");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        at("10:00:50");
        poll(primary(19), m("pg-3", "leader", "running", 19), m("pg-1", "replica", "running", 18));
        at("10:01:00");
        // nor is a stale view that shows a regression
        poll(view(primary(18), m("pg-1", "leader", "running", 18)).withStale(true));

        assertThat(alerts).isEmpty();
    }

    @Test
    void aLeaderWhoseTimelineIsUnknownOrThatIsNotConfirmedSetsNoTimeline() throws Exception {
        poll(primary(18), m("pg-1", "leader", "running", 18));
        at("10:00:30"); // pg-3 answers as primary but neither its /patroni nor /cluster gives a timeline
        poll("{\"state\": \"running\", \"role\": \"master\", \"patroni\": {\"scope\": \"pointsman\"}}",
                noTimeline("pg-3", "leader", "running"));
        at("10:00:40"); // pg-2 on 25 per /cluster, but its own /patroni never confirmed it
        poll(null, m("pg-2", "leader", "running", 25));
        at("10:00:50");
        poll(primary(18), m("pg-1", "leader", "running", 18), noTimeline("pg-3", "replica", "stopped"));

        assertThat(alerts).isEmpty();
    }

    @Test
    void aMemberRenamedOnTheSameServerLeadingTheSameTimelineIsNoSplit() throws Exception {
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        at("10:10:00"); // Patroni restarted on pg-1's node under another name: same host:port, same server
        String renamed = m("pg-1", "leader", "running", 18).replace("\"pg-1\"", "\"pg-1-new\"");
        ClusterView v = view(primary(18), renamed, m("pg-3", "replica", "running", 18));
        assertThat(v.member("pg-1-new").orElseThrow().server()).isEqualTo("pg-1");
        poll(v);
        at("10:10:10");
        poll(primary(18), renamed, m("pg-3", "replica", "running", 18));

        assertThat(alerts).isEmpty();
    }

    @Test
    void aClusterCreatedAgainUnderTheSameScopeIsNoSplit() throws Exception {
        poll(primary(19), m("pg-1", "leader", "running", 19));
        at("11:00:00"); // patronictl remove, then a fresh bootstrap: timeline 1, another system identifier
        poll(primary(1).replace(SYSID, "7712607223093950000"), m("pg-2", "leader", "running", 1));
        assertThat(alerts).isEmpty();
        // the same answer with the old identifier would be a regression
        at("11:00:10");
        poll(primary(19).replace(SYSID, "7712607223093950000"), m("pg-2", "leader", "running", 19));
        at("11:00:20");
        poll(primary(1).replace(SYSID, "7712607223093950000"), m("pg-1", "leader", "running", 1));
        assertThat(alerts).singleElement().extracting(SplitBrain::losing).isEqualTo("pg-2");
    }

    @Test
    void anotherScopeStartsOver() throws Exception {
        ctx = new ViewBuilder.Context("primary", Fixtures.threeServers(8008, 8009, 8010), ViewBuilderTest.LIMITS, null,
                List.of());
        detector.observe(ViewBuilder.build(ctx, null, new ViewBuilder.Poll("http://127.0.0.1:8008",
                Answers.cluster(Fixtures.cluster("one", m("pg-3", "leader", "running", 19)).getBytes(StandardCharsets.UTF_8)),
                PatroniStatus.parse(patroni("master", "running", "one", 19, 1).getBytes(StandardCharsets.UTF_8)).orElseThrow(),
                null, Map.of(), List.of()), T0.toEpochMilli()), T0.toEpochMilli());
        Optional<SplitBrain> a = detector.observe(ViewBuilder.build(ctx, null, new ViewBuilder.Poll("http://127.0.0.1:8008",
                Answers.cluster(Fixtures.cluster("two", m("pg-1", "leader", "running", 18)).getBytes(StandardCharsets.UTF_8)),
                PatroniStatus.parse(patroni("master", "running", "two", 18, 1).getBytes(StandardCharsets.UTF_8)).orElseThrow(),
                null, Map.of(), List.of()), T0.toEpochMilli() + 1000), T0.toEpochMilli() + 1000);

        assertThat(a).isEmpty();
    }

    // ---- what Patroni itself gives away

    @Test
    void aMemberListedOnAHigherTimelineThanTheConfirmedLeaderGivesTheSplitAway() throws Exception {
        // Pointsman started after pg-3's reign: it never saw it lead
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 19));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.losing()).isEqualTo("pg-3");
            assertThat(a.losingTimeline()).isEqualTo(19L);
            assertThat(a.fromMillis()).isNull();
            assertThat(a.sent()).isNull();
            assertThat(a.message()).contains("from a moment Pointsman does not know to 2027-01-15 10:00:00.000 UTC")
                    .contains("Pointsman did not see pg-3 lead and has no count of what it sent there");
        });
    }

    @Test
    void historySayingTheLeadersTimelineEndedGivesTheSplitAwayFromTheNextPoll() throws Exception {
        Instant promoted = Instant.parse("2027-01-15T09:59:20.500Z");
        history = List.of(ended(17, T0.minus(Duration.ofDays(1)), "pg-1"), ended(18, promoted, "pg-3"));
        // the first view could hold a /history newer than the leader's answer: no alert yet
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        assertThat(alerts).isEmpty();
        at("10:00:01");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));

        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.losing()).isEqualTo("pg-3");
            assertThat(a.losingServer()).isEqualTo("pg-3");
            assertThat(a.losingTimeline()).isEqualTo(19L);
            assertThat(a.fromMillis()).isEqualTo(promoted.toEpochMilli());
            assertThat(a.sent()).isNull();
        });
        at("10:00:02");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        assertThat(alerts).hasSize(1);
    }

    @Test
    void twoRunningLeadersInOneViewAlertOncePerEpisode() throws Exception {
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        at("10:00:30");
        send("pg-3", 4, 400);
        poll(null, m("pg-1", "leader", "running", 18), m("pg-3", "leader", "running", 19));
        at("10:00:31");
        poll(null, m("pg-1", "leader", "running", 18), m("pg-3", "leader", "running", 19));
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(SplitBrain.Kind.TWO_PRIMARIES);
            assertThat(a.message()).contains("pg-1 (timeline 18) and pg-3 (timeline 19) are both listed as running leaders");
        });
        at("10:00:32");
        poll(primary(19), m("pg-3", "leader", "running", 19), m("pg-1", "replica", "stopped", 18));
        at("10:00:40");
        poll(null, m("pg-1", "leader", "running", 18), m("pg-3", "leader", "running", 19));
        assertThat(alerts).hasSize(2);
    }

    @Test
    void acknowledgingClearsTheUnacknowledgedAndKeepsTheTotal() throws Exception {
        poll(primary(19), m("pg-3", "leader", "running", 19));
        at("10:00:10");
        poll(primary(18), m("pg-1", "leader", "running", 18));

        assertThat(detector.alerts().unacknowledged()).isEqualTo(1);
        assertThat(detector.acknowledge()).isEqualTo(1);
        assertThat(detector.acknowledge()).isZero();
        assertThat(detector.alerts().total()).isEqualTo(1);
        assertThat(detector.alerts().unacknowledged()).isZero();
        assertThat(detector.alerts().last()).isEqualTo(alerts.get(0));
    }

    // ---- WAL that Patroni threw away: the old leader wrote past the point the new timeline forked

    /** pg-1's /patroni as a Patroni 3.0.2 primary at {@code lsn} (pg_current_wal_lsn(), bytes). */
    static String primaryAt(long timeline, long lsn) {
        return patroni("master", "running", "pointsman", timeline, lsn);
    }

    /** Patroni 3.0.2's /history line for a timeline that ended at {@code lsn} when {@code newLeader} was promoted. */
    static ClusterView.HistoryEntry endedAt(long timeline, long lsn, Instant at, String newLeader) {
        return new ClusterView.HistoryEntry(timeline, lsn, "no recovery target specified",
                at.toString().replace("Z", "+00:00"), newLeader);
    }

    static final long CUT_LSN = 0x5A3F1C8L; // 0/5A3F1C8: what pg-3 had received when pg-1 was cut off

    @Test
    void aPartitionedLeaderThatWrotePastTheNewTimelinesForkAlertsWithTheDiscardedRangeWindowAndCounts()
            throws Exception {
        // Given pg-1 leading timeline 3, every write streamed
        at("10:00:00");
        poll(primaryAt(3, CUT_LSN - 8000), m("pg-1", "leader", "running", 3), m("pg-2", "replica", "running", 3),
                m("pg-3", "replica", "running", 3));
        at("10:00:06"); // the last poll before the cut: pg-3 will be promoted from exactly here
        poll(primaryAt(3, CUT_LSN), m("pg-1", "leader", "running", 3), m("pg-2", "replica", "running", 3),
                m("pg-3", "replica", "running", 3));
        // When pg-1 is cut from etcd and the other nodes, not from Pointsman: it keeps its key (ttl 30) and, until
        // retry_timeout (10 s), acknowledges the writes Pointsman sends it; nobody streams them
        for (int s = 7; s <= 16; s++) {
            at("10:00:%02d".formatted(s));
            send("pg-1", 20, 20 * 95);
            poll(primaryAt(3, CUT_LSN + (s - 6) * 2400L), m("pg-1", "leader", "running", 3),
                    m("pg-2", "replica", "running", 3), m("pg-3", "replica", "running", 3));
        }
        at("10:00:17"); // Patroni demotes it (offline): its /patroni no longer says running primary
        send("pg-1", 3, 285); // sessions sent before the checks took it out
        poll(patroni("demoted", "stopped", "pointsman", 3, 0), m("pg-1", "leader", "running", 3),
                m("pg-2", "replica", "running", 3), m("pg-3", "replica", "running", 3));
        at("10:00:20");
        send("pg-1", 5, 0); // refused: after the window
        poll(patroni("demoted", "stopped", "pointsman", 3, 0), m("pg-1", "leader", "running", 3),
                m("pg-2", "replica", "running", 3), m("pg-3", "replica", "running", 3));
        at("10:00:36.400"); // the key lapsed: pg-3 takes it and is promoted to 4 from what it had
        poll(replicaAnswer(3), m("pg-2", "replica", "running", 3), m("pg-3", "leader", "running", 3));
        at("10:00:36.900");
        poll(primaryAt(4, CUT_LSN + 200), m("pg-2", "replica", "running", 3), m("pg-3", "leader", "running", 3));
        assertThat(alerts).as("no history yet: nothing says where timeline 3 ended").isEmpty();
        history = List.of(endedAt(2, 0x3000000L, T0.minus(Duration.ofDays(1)), "pg-1"),
                endedAt(3, CUT_LSN, Instant.parse("2027-01-15T10:00:36.800Z"), "pg-3"));
        at("10:00:37.050");
        poll(primaryAt(4, CUT_LSN + 400), m("pg-2", "replica", "running", 4), m("pg-3", "leader", "running", 4));

        // Then one alert: old and new leader, both timelines, the discarded WAL, the window and Pointsman's counts
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(SplitBrain.Kind.WAL_DISCARDED);
            assertThat(a.leader()).isEqualTo("pg-3");
            assertThat(a.leaderTimeline()).isEqualTo(4L);
            assertThat(a.losing()).isEqualTo("pg-1");
            assertThat(a.losingServer()).isEqualTo("pg-1");
            assertThat(a.losingTimeline()).isEqualTo(3L);
            assertThat(a.discardedFrom()).isEqualTo(CUT_LSN);
            assertThat(a.discardedTo()).isEqualTo(CUT_LSN + 24000);
            assertThat(a.fromMillis()).isEqualTo(Instant.parse("2027-01-15T10:00:06Z").toEpochMilli());
            assertThat(a.toMillis()).isEqualTo(Instant.parse("2027-01-15T10:00:17Z").toEpochMilli());
            assertThat(a.atMillis()).isEqualTo(now.toEpochMilli());
            assertThat(a.sent()).isEqualTo(new SplitBrain.Traffic(203, 20 * 20 * 95 / 2 + 285));
            assertThat(a.message()).isEqualTo("split brain in Patroni cluster 'pointsman': pg-3 was promoted to"
                    + " timeline 4 from 0/5A3F1C8 of timeline 3, but pg-1 had written timeline 3 as primary up to at"
                    + " least 0/5A44F88: those 24000 bytes of WAL, written while it ran as primary (from 2027-01-15"
                    + " 10:00:06.000 to 10:00:17.000 UTC): WAL discarded (may include acknowledged writes); Pointsman"
                    + " sent pg-1 203 sessions and 19285 bytes in that window; what those bytes hold can be recovered"
                    + " only from pg-1's WAL before it is rewound, or a WAL archive. Routing follows the leader key (pg-3)");
        });

        // When pg-1 rejoins: rewound, following timeline 4; and later polls
        at("10:01:30");
        poll(primaryAt(4, CUT_LSN + 90000), m("pg-1", "replica", "running", 4), m("pg-2", "replica", "running", 4),
                m("pg-3", "leader", "running", 4));
        at("10:01:31");
        poll(primaryAt(4, CUT_LSN + 91000), m("pg-1", "replica", "running", 4), m("pg-2", "replica", "running", 4),
                m("pg-3", "leader", "running", 4));
        // Then nothing more
        assertThat(alerts).hasSize(1);
        assertThat(detector.alerts().total()).isEqualTo(1);
    }

    @Test
    void aFailoverFromALeaderWhoseWalWasAllStreamedNeverAlerts() throws Exception {
        // Given pg-1 leading timeline 3; its last answer before it died was at CUT_LSN
        at("10:00:00");
        poll(primaryAt(3, CUT_LSN - 300), m("pg-1", "leader", "running", 3), m("pg-3", "replica", "running", 3));
        at("10:00:01");
        poll(primaryAt(3, CUT_LSN), m("pg-1", "leader", "running", 3), m("pg-3", "replica", "running", 3));
        // When it stops answering and pg-3, which had received everything, is promoted exactly there
        at("10:00:02");
        poll(null, m("pg-1", "leader", "running", 3), m("pg-3", "replica", "running", 3));
        at("10:00:31");
        poll(primaryAt(4, CUT_LSN + 100), m("pg-3", "leader", "running", 3));
        history = List.of(endedAt(3, CUT_LSN, now, "pg-3"));
        at("10:00:32");
        poll(primaryAt(4, CUT_LSN + 200), m("pg-3", "leader", "running", 4));
        // and when pg-1 comes back on timeline 3 as a replica, replaying its own shutdown checkpoint past the fork
        own.put("pg-1", patroni("replica", "running", "pointsman", 3, CUT_LSN + 104));
        at("10:00:40");
        poll(primaryAt(4, CUT_LSN + 900), m("pg-1", "replica", "running", 3), m("pg-3", "leader", "running", 4));

        // Then no alert: nothing beyond the fork was seen written by a primary
        assertThat(alerts).isEmpty();
    }

    @Test
    void aCleanSwitchoverWithRealPositionsNeverAlerts() throws Exception {
        at("10:00:00");
        poll(primaryAt(5, CUT_LSN), m("pg-1", "leader", "running", 5), m("pg-2", "replica", "running", 5));
        at("10:00:00.150"); // demoting: the shutdown checkpoint is streamed before pg-2 is promoted past it
        poll(patroni("demoted", "stopping", "pointsman", 5, 0), m("pg-1", "leader", "stopping", 5),
                m("pg-2", "replica", "running", 5));
        at("10:00:00.600");
        poll(primaryAt(6, CUT_LSN + 300), m("pg-1", "replica", "stopped", 5), m("pg-2", "leader", "running", 5));
        history = List.of(endedAt(5, CUT_LSN + 112, now, "pg-2"));
        at("10:00:01.600");
        poll(primaryAt(6, CUT_LSN + 500), m("pg-1", "replica", "running", 6), m("pg-2", "leader", "running", 6));

        assertThat(alerts).isEmpty();
    }

    @Test
    void anOldPrimarySeenAgainStillWritingItsTimelinePastTheForkAlerts() throws Exception {
        // Given pg-3 leading timeline 7, last seen at CUT_LSN, then its Patroni frozen (PostgreSQL goes on)
        at("10:00:00");
        poll(primaryAt(7, CUT_LSN), m("pg-2", "replica", "running", 7), m("pg-3", "leader", "running", 7));
        for (int s = 1; s <= 25; s++) {
            at("10:00:%02d".formatted(s));
            poll(null, m("pg-2", "replica", "running", 7), m("pg-3", "leader", "running", 7));
        }
        at("10:00:26"); // pg-2 promoted to 8 from CUT_LSN + 500
        poll(primaryAt(8, CUT_LSN + 600), m("pg-2", "leader", "running", 7));
        history = List.of(endedAt(7, CUT_LSN + 500, now, "pg-2"));
        at("10:00:27");
        poll(primaryAt(8, CUT_LSN + 700), m("pg-2", "leader", "running", 8));
        assertThat(alerts).as("nothing seen past the fork yet").isEmpty();
        send("pg-3", 2, 190); // clients that still reached it
        // When its Patroni wakes: listed on timeline 7, its own /patroni still a primary, written past the fork
        own.put("pg-3", primaryAt(7, CUT_LSN + 9500));
        at("10:00:46");
        poll(primaryAt(8, CUT_LSN + 900), m("pg-2", "leader", "running", 8), m("pg-3", "replica", "running", 7));

        // Then an alert naming pg-3, timeline 7 and the 9000 bytes past the fork, window from its last sighting before
        assertThat(alerts).singleElement().satisfies(a -> {
            assertThat(a.kind()).isEqualTo(SplitBrain.Kind.WAL_DISCARDED);
            assertThat(a.losing()).isEqualTo("pg-3");
            assertThat(a.losingTimeline()).isEqualTo(7L);
            assertThat(a.leader()).isEqualTo("pg-2");
            assertThat(a.discardedTo() - a.discardedFrom()).isEqualTo(9000);
            assertThat(a.fromMillis()).isEqualTo(T0.toEpochMilli());
            assertThat(a.toMillis()).isEqualTo(now.toEpochMilli());
            assertThat(a.sent()).isEqualTo(new SplitBrain.Traffic(2, 190));
        });
        at("10:00:47");
        poll(primaryAt(8, CUT_LSN + 900), m("pg-2", "leader", "running", 8), m("pg-3", "replica", "running", 7));
        assertThat(alerts).hasSize(1);
    }

    @Test
    void aLeaderGoingBackToItsOldTimelineIsOneTimelineAlertNotAlsoADiscardedWalOne() throws Exception {
        at("10:00:00");
        poll(primaryAt(18, CUT_LSN), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        at("10:00:31");
        poll(primaryAt(19, CUT_LSN + 100), m("pg-3", "leader", "running", 18));
        history = List.of(endedAt(18, CUT_LSN, now, "pg-3"));
        at("10:00:32");
        poll(primaryAt(19, CUT_LSN + 200), m("pg-3", "leader", "running", 19));
        at("10:00:46"); // pg-1 takes the key back on 18 and writes on past the fork
        poll(primaryAt(18, CUT_LSN + 5000), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 19));
        at("10:00:47");
        poll(primaryAt(18, CUT_LSN + 6000), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 19));

        assertThat(alerts).singleElement().extracting(SplitBrain::kind).isEqualTo(SplitBrain.Kind.TIMELINE_WENT_BACK);
    }

    @Test
    void sessionsSentToTheNewLeaderBeforeTheDetectorsFirstViewOfItLeadingAreCountedInItsReign() throws Exception {
        // Given pg-1 leading 18
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 18));
        // When pg-1 freezes and pg-3 is promoted to 19, the next poll round is slow (> 3 intervals): routing
        // falls back to "cluster view stale: checks alone", pg-3's check passes and Pointsman sends it a write
        send("pg-3", 1, 24);
        at("10:00:01");
        poll(primary(19), m("pg-3", "leader", "running", 19)); // the detector's first view of pg-3 leading
        // and pg-1 comes back on 18
        at("10:00:05");
        poll(primary(18), m("pg-1", "leader", "running", 18), m("pg-3", "replica", "running", 19));

        assertThat(alerts).singleElement().satisfies(a ->
                assertThat(a.sent()).as("what pg-3 was sent while it led 19").isEqualTo(new SplitBrain.Traffic(1, 24)));
    }

    @Test
    void aBehindMembersApiThatAnswersForAnotherClusterIsNotTakenForTheOldPrimary() throws Exception {
        // Given pg-1 leading 3, then pg-3 promoted to 4 from CUT_LSN after a clean failover
        poll(primaryAt(3, CUT_LSN - 100), m("pg-1", "leader", "running", 3), m("pg-3", "replica", "running", 3));
        at("10:00:30");
        poll(primaryAt(4, CUT_LSN + 100), m("pg-3", "leader", "running", 3), m("pg-1", "replica", "stopped", 3));
        history = List.of(endedAt(3, CUT_LSN, now, "pg-3"));
        at("10:00:31");
        poll(primaryAt(4, CUT_LSN + 200), m("pg-3", "leader", "running", 4), m("pg-1", "replica", "stopped", 3));
        // When pg-1's api_url (still listed on timeline 3 until its key expires) now reaches the primary of another
        // Patroni cluster (a reused pod IP), also on timeline 3 and far ahead
        own.put("pg-1", patroni("master", "running", "billing", 3, CUT_LSN + 50_000_000L));
        at("10:00:32");
        poll(primaryAt(4, CUT_LSN + 300), m("pg-3", "leader", "running", 4), m("pg-1", "replica", "stopped", 3));

        assertThat(alerts).as("an answer for scope 'billing' is not pg-1 of 'pointsman'").isEmpty();
    }
}
