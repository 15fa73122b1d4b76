package dev.pointsman.cluster;

import static dev.pointsman.cluster.Fixtures.cluster;
import static dev.pointsman.cluster.Fixtures.member;
import static dev.pointsman.cluster.Fixtures.patroni;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.check.PatroniStatus;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ViewBuilderTest {
    static final ClusterView.Limits LIMITS = new ClusterView.Limits(1000, 3000, 1024L * 1024, null, 5000);
    static final ViewBuilder.Context CTX = new ViewBuilder.Context("primary", Fixtures.threeServers(8008, 8009, 8010),
            LIMITS, "pointsman", List.of());

    static final String M1_LEADER = member("pg-1", "leader", "running", "127.0.0.1", 15432, 8008, 8, null);
    static final String M2_REPLICA = member("pg-2", "replica", "running", "127.0.0.1", 15433, 8009, 8, "0");
    static final String M3_SYNC = member("pg-3", "sync_standby", "streaming", "127.0.0.1", 15434, 8010, 8, "\"unknown\"");

    static ClusterView view(ViewBuilder.Context ctx, ClusterView previous, String clusterJson, String leaderJson,
                            long now) throws Exception {
        PatroniStatus leader = leaderJson == null ? null : PatroniStatus.parse(bytes(leaderJson)).orElseThrow();
        return ViewBuilder.build(ctx, previous, new ViewBuilder.Poll("http://127.0.0.1:8008",
                Answers.cluster(bytes(clusterJson)), leader, leaderJson == null ? "answer timeout" : null, Map.of(), null),
                now);
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void patroni30ShapesGiveMembersLeaderAndConfirmedPrimary() throws Exception {
        // Given a 3.0 /cluster (no scope, lag as number and "unknown") and the leader's /patroni saying master/running
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER, M2_REPLICA, M3_SYNC),
                patroni("master", "running", "pointsman", 8, 67995632), 1000);
        // Then
        assertThat(v.leader()).isEqualTo("pg-1");
        assertThat(v.timeline()).isEqualTo(8L);
        assertThat(v.problem()).isNull();
        assertThat(v.leaderStatus().confirmed()).isTrue();
        assertThat(v.leaderStatus().location()).isEqualTo(67995632L);
        assertThat(v.members()).extracting(Member::server).containsExactly("pg-1", "pg-2", "pg-3");
        assertThat(v.member("pg-2").orElseThrow().lag()).isZero();
        assertThat(v.member("pg-3").orElseThrow().lagUnknown()).isTrue();
        assertThat(v.unknownServers()).isEmpty();
        assertThat(v.unlistedMembers()).isEmpty();
    }

    @Test
    void patroni4ShapesWithRolePrimaryConfirmTheLeader() throws Exception {
        ClusterView v = view(CTX, null, cluster("pointsman", M1_LEADER,
                member("pg-2", "replica", "streaming", "127.0.0.1", 15433, 8009, 8, "0")),
                patroni("primary", "running", "pointsman", 8, 100), 1000);
        assertThat(v.leaderStatus().confirmed()).isTrue();
        assertThat(v.member("pg-2").orElseThrow().runningState()).isTrue();
        assertThat(v.scope()).isEqualTo("pointsman");
    }

    @Test
    void leaderStillStartingOrReplicaIsNotConfirmed() throws Exception {
        assertThat(view(CTX, null, cluster(null, M1_LEADER), patroni("master", "starting", "pointsman", 8, 1), 1)
                .leaderStatus().confirmed()).isFalse();
        assertThat(view(CTX, null, cluster(null, M1_LEADER), patroni("replica", "running", "pointsman", 8, 1), 1)
                .leaderStatus().confirmed()).isFalse();
    }

    @Test
    void twoMembersClaimingTheLeaderMakeTheViewInconsistent() throws Exception {
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER,
                member("pg-2", "leader", "running", "127.0.0.1", 15433, 8009, 8, null)), null, 1);
        assertThat(v.leader()).isNull();
        assertThat(v.problem()).contains("members disagree about the leader: pg-1, pg-2");
    }

    @Test
    void leaderAnsweringForAnotherScopeMakesTheViewInconsistent() throws Exception {
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER), patroni("master", "running", "batman", 8, 1), 1);
        assertThat(v.leaderStatus().confirmed()).isFalse();
        assertThat(v.problem()).contains("leader pg-1 answers for scope 'batman', not 'pointsman'");
    }

    @Test
    void clusterAnswerForAnotherScopeMakesTheViewInconsistent() throws Exception {
        ClusterView v = view(CTX, null, cluster("batman", M1_LEADER), patroni("master", "running", "pointsman", 8, 1), 1);
        assertThat(v.problem()).contains("answers /cluster for scope 'batman'");
    }

    @Test
    void membersAndServersThatDoNotMatchAreReported() throws Exception {
        // Given pg-2 listed on another port and a member pg-9 the config does not know
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER,
                member("pg-2", "replica", "running", "127.0.0.1", 25433, 8009, 8, "0"),
                member("pg-9", "replica", "running", "10.9.9.9", 5432, 8008, 8, "0")), null, 1);
        assertThat(v.unknownServers()).containsExactly("pg-2", "pg-3");
        assertThat(v.unlistedMembers()).containsExactly("pg-2", "pg-9");
        assertThat(v.problem()).isNull();
    }

    @Test
    void noServerMatchingAnyMemberMakesTheViewUnusable() throws Exception {
        ClusterView v = view(CTX, null, cluster(null, member("x", "leader", "running", "10.0.0.1", 5432, 8008, 1, null)),
                null, 1);
        assertThat(v.problem()).contains("no server of the backend matches");
    }

    @Test
    void lagOverTheLimitIsTimedFromTheFirstPollOverIt() throws Exception {
        String over = member("pg-2", "replica", "running", "127.0.0.1", 15433, 8009, 8, Long.toString(5L << 20));
        ClusterView first = view(CTX, null, cluster(null, M1_LEADER, over), null, 1000);
        ClusterView second = view(CTX, first, cluster(null, M1_LEADER, over), null, 7000);
        ClusterView back = view(CTX, second, cluster(null, M1_LEADER, M2_REPLICA), null, 8000);
        assertThat(first.member("pg-2").orElseThrow().lagOverSinceMillis()).isEqualTo(1000L);
        assertThat(first.member("pg-2").orElseThrow().lagExcluded()).isFalse();
        assertThat(second.member("pg-2").orElseThrow().lagOverSinceMillis()).isEqualTo(1000L);
        assertThat(second.member("pg-2").orElseThrow().lagExcluded()).isTrue();
        assertThat(ViewBuilder.diff(first, second).lagChanged()).isTrue();
        assertThat(back.member("pg-2").orElseThrow().lagOverSinceMillis()).isNull();
    }

    @Test
    void diffNamesMembersWhoseRoleChangedAndTheLeaderMove() throws Exception {
        ClusterView before = view(CTX, null, cluster(null, M1_LEADER, M2_REPLICA), null, 1);
        ClusterView after = view(CTX, before, cluster(null, member("pg-1", "replica", "stopped", "127.0.0.1", 15432, 8008, 8,
                "\"unknown\""), member("pg-2", "leader", "running", "127.0.0.1", 15433, 8009, 9, null)), null, 2);
        ViewChange c = ViewBuilder.diff(before, after);
        assertThat(c.roleChanged()).containsExactlyInAnyOrder("pg-1", "pg-2");
        assertThat(c.leaderChanged()).isTrue();
        assertThat(ViewBuilder.diff(after, view(CTX, after, cluster(null, member("pg-1", "replica", "stopped", "127.0.0.1",
                15432, 8008, 8, "\"unknown\""), member("pg-2", "leader", "running", "127.0.0.1", 15433, 8009, 9, null)),
                null, 3)).any()).isFalse();
    }

    @Test
    void replayDelayIsZeroWhenCaughtUpAndTheAgeOfTheLastReplayOtherwise() throws Exception {
        PatroniStatus caughtUp = PatroniStatus.parse(bytes("{\"xlog\": {\"received_location\": 10, \"replayed_location\": 10,"
                + " \"replayed_timestamp\": \"2026-11-26 22:27:57.710137+00:00\"}}")).orElseThrow();
        PatroniStatus behind = PatroniStatus.parse(bytes("{\"xlog\": {\"received_location\": 20, \"replayed_location\": 10,"
                + " \"replayed_timestamp\": \"2026-11-26 22:27:57.710137+00:00\"}}")).orElseThrow();
        long ts = java.time.OffsetDateTime.parse("2026-11-26T22:27:57.710137+00:00").toInstant().toEpochMilli();
        assertThat(ViewBuilder.replayDelay(caughtUp, 10L, ts + 9000)).isZero();
        assertThat(ViewBuilder.replayDelay(behind, 20L, ts + 9000)).isEqualTo(9000L);
    }

    @Test
    void viewIsWrittenAsJsonByAPlainObjectMapper() throws Exception {
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER, M2_REPLICA, M3_SYNC),
                patroni("master", "running", "pointsman", 8, 1), 1000);
        JsonNode json = new ObjectMapper().readTree(new ObjectMapper().writeValueAsString(v));
        assertThat(json.get("leader").asText()).isEqualTo("pg-1");
        assertThat(json.get("members").get(2).get("lagUnknown").asBoolean()).isTrue();
        assertThat(json.get("leaderStatus").get("confirmed").asBoolean()).isTrue();
        assertThat(json.get("limits").get("staleAfterMillis").asLong()).isEqualTo(3000);
    }
}
