package dev.pointsman.cluster.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class FailoverRequestTest {
    private static final ZoneId UTC = ZoneOffset.UTC;

    private static FailoverRequest parse(String value) throws Exception {
        return FailoverRequest.parse(value, UTC).orElseThrow();
    }

    @Test
    void patronictlSwitchoverNamesTheLeaderAndTheCandidate() throws Exception {
        // As Patroni 3.0's manual_failover writes it
        FailoverRequest r = parse("{\"leader\":\"pg-1\",\"member\":\"pg-2\"}");

        assertThat(r.leader()).contains("pg-1");
        assertThat(r.candidate()).contains("pg-2");
        assertThat(r.scheduledAt()).isEmpty();
        assertThat(r.due(Instant.now())).isTrue();
        assertThat(r.demoting(Optional.of("pg-1"))).contains("pg-1");
    }

    @ParameterizedTest
    @ValueSource(strings = {"{}", "", "  ", "null", "[]", "\"pg-1\"", "{\"leader\":\"\"}", "{\"leader\":3}", ":"})
    void aValueNamingNobodyIsNoRequest(String value) throws Exception {
        assertThat(FailoverRequest.parse(value, UTC)).isEmpty();
    }

    @Test
    void theOldPlainFormIsLeaderColonCandidate() throws Exception {
        FailoverRequest r = parse("pg-1: pg-3");

        assertThat(r.leader()).contains("pg-1");
        assertThat(r.candidate()).contains("pg-3");
        assertThat(parse("pg-1").candidate()).isEmpty();
    }

    @Test
    void aScheduledSwitchoverIsDueAtItsTime() throws Exception {
        FailoverRequest r = parse("{\"leader\":\"pg-1\",\"member\":\"pg-2\",\"scheduled_at\":\"2026-11-27T02:00:00.250000+01:00\"}");

        Instant at = Instant.parse("2026-11-27T01:00:00.250Z");
        assertThat(r.scheduledAt()).contains(at);
        assertThat(r.due(at.minusMillis(1))).isFalse();
        assertThat(r.due(at)).isTrue();
    }

    @Test
    void aScheduleWithoutOffsetIsInTheGivenZone() throws Exception {
        FailoverRequest r = FailoverRequest.parse("{\"leader\":\"pg-1\",\"scheduled_at\":\"2026-11-27T02:00:00\"}",
                ZoneOffset.ofHours(1)).orElseThrow();

        assertThat(r.scheduledAt()).contains(Instant.parse("2026-11-27T01:00:00Z"));
    }

    @Test
    void aScheduleThatIsNoTimeIsRefusedWithTheReason() {
        assertThatThrownBy(() -> FailoverRequest.parse("{\"leader\":\"pg-1\",\"scheduled_at\":\"tomorrow\"}", UTC))
                .isInstanceOf(FailoverRequest.Unreadable.class)
                .hasMessageContaining("'tomorrow'");
    }

    @Test
    void onlyTheLeaderKeyHolderDemotesAndOnlyForSomebodyElse() throws Exception {
        // Patroni's process_manual_failover_from_leader: the holder demotes when the request names
        // it or no leader, and names another candidate or none; anything else is cleaned up.
        assertThat(parse("{\"member\":\"pg-2\"}").demoting(Optional.of("pg-1"))).contains("pg-1");
        assertThat(parse("{\"leader\":\"pg-1\"}").demoting(Optional.of("pg-1"))).contains("pg-1");
        assertThat(parse("{\"leader\":\"pg-3\",\"member\":\"pg-2\"}").demoting(Optional.of("pg-1"))).isEmpty();
        assertThat(parse("{\"member\":\"pg-1\"}").demoting(Optional.of("pg-1"))).isEmpty();
        assertThat(parse("{\"leader\":\"pg-1\",\"member\":\"pg-2\"}").demoting(Optional.empty())).isEmpty();
    }
}
