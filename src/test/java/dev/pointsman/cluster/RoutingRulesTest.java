package dev.pointsman.cluster;

import static dev.pointsman.cluster.Fixtures.cluster;
import static dev.pointsman.cluster.Fixtures.member;
import static dev.pointsman.cluster.Fixtures.patroni;
import static dev.pointsman.cluster.ViewBuilderTest.CTX;
import static dev.pointsman.cluster.ViewBuilderTest.M1_LEADER;
import static dev.pointsman.cluster.ViewBuilderTest.M2_REPLICA;
import static dev.pointsman.cluster.ViewBuilderTest.view;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RoutingRulesTest {
    static final long T = 1_000_000;

    static Verdict verdict(ClusterView v, Pool pool, String server, long nowMillis) {
        return RoutingRules.verdict(v, pool, server, Instant.ofEpochMilli(nowMillis));
    }

    static ClusterView healthy() throws Exception {
        return view(CTX, null, cluster(null, M1_LEADER, M2_REPLICA,
                member("pg-3", "replica", "stopped", "127.0.0.1", 15434, 8010, 8, "\"unknown\"")),
                patroni("master", "running", "pointsman", 8, 1), T);
    }

    @Test
    void primaryPoolAllowsOnlyTheConfirmedLeader() throws Exception {
        ClusterView v = healthy();
        assertThat(verdict(v, Pool.PRIMARY, "pg-1", T)).isEqualTo(new Verdict.Allow("confirmed primary"));
        assertThat(verdict(v, Pool.PRIMARY, "pg-2", T)).isEqualTo(new Verdict.Veto("not the Patroni leader (pg-1 is)"));
    }

    @ParameterizedTest(name = "/patroni role {0}, state {1}")
    @CsvSource({"master, starting", "master, stopping", "master, stopped", "replica, running", "primary, promoted"})
    void primaryPoolVetoesALeaderWhoseOwnPatroniDoesNotSayPrimaryAndRunning(String role, String state) throws Exception {
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER, M2_REPLICA), patroni(role, state, "pointsman", 8, 1), T);
        assertThat(verdict(v, Pool.PRIMARY, "pg-1", T).vetoReason()).get().asString()
                .contains("not promoted and running").contains(role).contains(state);
    }

    @ParameterizedTest(name = "/patroni role {0}, state {1}: sessions cut {2}")
    @CsvSource({"master, stopping, false", "primary, stopping, false", "master, stopped, true", "master, starting, true",
            "demoted, stopping, true"})
    void aLeaderWhosePatroniSaysStoppingTakesNoNewSessionButKeepsItsOpenOnes(String role, String state, boolean cuts)
            throws Exception {
        // Patroni says "stopping" after its CHECKPOINT and before the shutdown signal (and runs
        // before_stop in between): open sessions may still finish, PostgreSQL ends the others
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER, M2_REPLICA), patroni(role, state, "pointsman", 8, 1), T);

        Verdict verdict = verdict(v, Pool.PRIMARY, "pg-1", T);

        assertThat(verdict.allowed()).isFalse();
        assertThat(verdict.cutsSessions()).isEqualTo(cuts);
    }

    @Test
    void primaryPoolLeavesALeaderWhosePatroniWentUnansweredToItsChecks() throws Exception {
        // Given pg-1 confirmed as primary by its own /patroni
        ClusterView confirmed = healthy();
        // When its /patroni goes unanswered while it keeps the leader key
        ClusterView v = view(CTX, confirmed, cluster(null, M1_LEADER, M2_REPLICA), null, T + 1000);
        ClusterView still = view(CTX, v, cluster(null, M1_LEADER, M2_REPLICA), null, T + 2000);
        // Then its checks decide, poll after poll
        assertThat(verdict(v, Pool.PRIMARY, "pg-1", T + 1000).allowed()).isTrue();
        assertThat(verdict(still, Pool.PRIMARY, "pg-1", T + 2000).allowed()).isTrue();
        assertThat(verdict(v, Pool.PRIMARY, "pg-2", T + 1000).allowed()).isFalse();
    }

    @Test
    void primaryPoolKeepsOutANewLeaderWhosePatroniIsUnansweredUntilItConfirmsItsPromotion() throws Exception {
        // Given pg-1 confirmed as primary
        ClusterView before = healthy();
        // When pg-2 takes the leader key and its /patroni does not answer (a promotion under load:
        // Patroni's primary check already answers 200 from its own role while PostgreSQL is still
        // in recovery, and a write sent there fails read-only; measured in TwoInstancesIT)
        String m2Leader = member("pg-2", "leader", "running", "127.0.0.1", 15433, 8009, 9, null);
        String m1Replica = member("pg-1", "replica", "running", "127.0.0.1", 15432, 8008, 8, "0");
        ClusterView v = view(CTX, before, cluster(null, m1Replica, m2Leader), null, T + 1000);
        // Then the primary pool has nobody: not the old leader, not the unconfirmed new one
        assertThat(verdict(v, Pool.PRIMARY, "pg-2", T + 1000).vetoReason()).get().asString()
                .contains("not confirmed").contains("answer timeout");
        assertThat(verdict(v, Pool.PRIMARY, "pg-1", T + 1000).allowed()).isFalse();
        // And once its /patroni says primary and running, it is allowed
        ClusterView promoted = view(CTX, v, cluster(null, m1Replica, m2Leader),
                patroni("master", "running", "pointsman", 9, 2), T + 2000);
        assertThat(verdict(promoted, Pool.PRIMARY, "pg-2", T + 2000)).isEqualTo(new Verdict.Allow("confirmed primary"));
    }

    @Test
    void aLeaderFirstSeenWithItsPatroniUnansweredIsNotAllowedUntilConfirmed() throws Exception {
        ClusterView first = view(CTX, null, cluster(null, M1_LEADER, M2_REPLICA), null, T);

        assertThat(verdict(first, Pool.PRIMARY, "pg-1", T).allowed()).isFalse();
    }

    @Test
    void aLeaderWhosePatroniWentUnansweredIsDoubtedButNotVetoed() throws Exception {
        // a frozen node, or a healthy primary whose REST API is slow: its server decides by answering clients
        // (a leader confirmed before; one never confirmed stays out, see the tests of a new leader)
        ClusterView unanswered = view(CTX, healthy(), cluster(null, M1_LEADER, M2_REPLICA), null, T);
        assertThat(verdict(unanswered, Pool.PRIMARY, "pg-1", T).doubt()).get().asString()
                .contains("/patroni unanswered");
        assertThat(verdict(healthy(), Pool.PRIMARY, "pg-1", T).doubt()).isEmpty();
        assertThat(verdict(unanswered, Pool.REPLICA, "pg-2", T).doubt()).isEmpty();
    }

    @Test
    void noLeaderVetoesEveryServerOfThePrimaryPool() throws Exception {
        ClusterView v = view(CTX, null, cluster(null, M2_REPLICA), null, T);
        assertThat(verdict(v, Pool.PRIMARY, "pg-2", T)).isEqualTo(new Verdict.Veto("no Patroni leader"));
    }

    @Test
    void replicaPoolVetoesTheLeaderAndStoppedMembersAndAllowsRunningReplicas() throws Exception {
        ClusterView v = healthy();
        assertThat(verdict(v, Pool.REPLICA, "pg-1", T)).isEqualTo(new Verdict.Veto("is the Patroni leader"));
        assertThat(verdict(v, Pool.REPLICA, "pg-2", T)).isEqualTo(new Verdict.Allow("running replica"));
        assertThat(verdict(v, Pool.REPLICA, "pg-3", T)).isEqualTo(new Verdict.Veto("Patroni state 'stopped'"));
    }

    @Test
    void replicaPoolVetoesNoloadbalanceTaggedMembers() throws Exception {
        String tagged = member("pg-2", "replica", "running", "127.0.0.1", 15433, 8009, 8, "0")
                .replace("}", ", \"tags\": {\"noloadbalance\": true}}");
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER, tagged), null, T);
        assertThat(verdict(v, Pool.REPLICA, "pg-2", T)).isEqualTo(new Verdict.Veto("tagged noloadbalance"));
    }

    @Test
    void replicaOverMaxLagLeavesThePoolOnlyAfterTheGraceAndComesBackWhenUnder() throws Exception {
        // Given max-lag 1 MB, grace 5 s (CTX), and pg-2 lagging 5 MB from T
        String lagging = member("pg-2", "replica", "running", "127.0.0.1", 15433, 8009, 8, Long.toString(5L << 20));
        ClusterView first = view(CTX, null, cluster(null, M1_LEADER, lagging), null, T);
        // Then within the grace it stays, after it it leaves
        assertThat(verdict(first, Pool.REPLICA, "pg-2", T + 1000).allowed()).isTrue();
        ClusterView later = view(CTX, first, cluster(null, M1_LEADER, lagging), null, T + 5000);
        assertThat(verdict(later, Pool.REPLICA, "pg-2", T + 5000).vetoReason()).get().asString()
                .startsWith("lag over max-lag for 5000 ms");
        // When it catches up, Then it is back
        ClusterView caughtUp = view(CTX, later, cluster(null, M1_LEADER, M2_REPLICA), null, T + 6000);
        assertThat(verdict(caughtUp, Pool.REPLICA, "pg-2", T + 6000).allowed()).isTrue();
    }

    @Test
    void staleOrMissingViewAllowsEverything() throws Exception {
        ClusterView v = healthy();
        assertThat(verdict(v, Pool.PRIMARY, "pg-2", T + 3001)).isEqualTo(new Verdict.Blind("cluster view stale: checks alone"));
        assertThat(verdict(v.withStale(true), Pool.REPLICA, "pg-1", T).allowed()).isTrue();
        assertThat(verdict(null, Pool.PRIMARY, "pg-2", T).allowed()).isTrue();
    }

    @Test
    void inconsistentViewAllowsEverything() throws Exception {
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER,
                member("pg-2", "leader", "running", "127.0.0.1", 15433, 8009, 8, null)), null, T);
        assertThat(verdict(v, Pool.PRIMARY, "pg-1", T).allowed()).isTrue();
        assertThat(verdict(v, Pool.PRIMARY, "pg-2", T).allowed()).isTrue();
        assertThat(verdict(v, Pool.REPLICA, "pg-2", T).allowed()).isTrue();
        ClusterView foreign = view(new ViewBuilder.Context("primary", CTX.servers(), CTX.limits(), "pointsman",
                List.of("server pg-3 answers for scope 'batman', not 'pointsman'")), null,
                cluster(null, M1_LEADER, M2_REPLICA), patroni("master", "running", "pointsman", 8, 1), T);
        assertThat(verdict(foreign, Pool.PRIMARY, "pg-2", T).allowed()).isTrue();
    }

    @Test
    void serverTheClusterDoesNotKnowIsVetoed() throws Exception {
        ClusterView v = view(CTX, null, cluster(null, M1_LEADER, M2_REPLICA), null, T);
        assertThat(verdict(v, Pool.PRIMARY, "pg-3", T)).isEqualTo(new Verdict.Veto("not a member of Patroni cluster 'pointsman'"));
        assertThat(verdict(v, Pool.REPLICA, "pg-3", T).allowed()).isFalse();
    }

    @Test
    void anyPoolIsNeverVetoed() throws Exception {
        assertThat(verdict(healthy(), Pool.ANY, "pg-3", T).allowed()).isTrue();
    }

    @Test
    void poolFollowsTheHttpchkUri() {
        var servers = Fixtures.threeServers(1);
        assertThat(Pool.of(Fixtures.backend("/", dev.pointsman.config.PatroniView.AUTO, servers))).isEqualTo(Pool.PRIMARY);
        assertThat(Pool.of(Fixtures.backend("OPTIONS/replica", dev.pointsman.config.PatroniView.AUTO, servers)))
                .isEqualTo(Pool.REPLICA);
        assertThat(Pool.of(Fixtures.backend("/read-only", dev.pointsman.config.PatroniView.AUTO, servers)))
                .isEqualTo(Pool.ANY);
    }
}
