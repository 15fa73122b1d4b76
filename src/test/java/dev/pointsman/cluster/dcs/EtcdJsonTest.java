package dev.pointsman.cluster.dcs;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Lines as etcd 3.4.23's gateway wrote them on this cluster. */
class EtcdJsonTest {
    private static final String HEADER = "{\"cluster_id\":\"11815817880106840725\",\"member_id\":\"10689354493638298044\","
            + "\"revision\":\"246\",\"raft_term\":\"2\"}";

    @Test
    void rangeOfAPresentKeyGivesValueAndRevisions() throws Exception {
        EtcdJson.Range r = EtcdJson.range("{\"header\":" + HEADER + ",\"kvs\":[{\"key\":\"L3NlcnZpY2UvcG9pbnRzbWFuL2xlYWRlcg==\","
                + "\"create_revision\":\"221\",\"mod_revision\":\"221\",\"version\":\"1\",\"value\":\"cGctMQ==\","
                + "\"lease\":\"5313299892627205637\"}],\"count\":\"1\"}");
        assertThat(r).isEqualTo(new EtcdJson.Range(Optional.of("pg-1"), 221, 246));
    }

    @Test
    void rangeOfAnAbsentKeyIsEmpty() throws Exception {
        assertThat(EtcdJson.range("{\"header\":" + HEADER + "}")).isEqualTo(new EtcdJson.Range(Optional.empty(), 0, 246));
    }

    @Test
    void watchLinesBecomeMessages() throws Exception {
        assertThat(EtcdJson.watch("{\"result\":{\"header\":" + HEADER + ",\"created\":true}}"))
                .isEqualTo(new EtcdJson.Created(246));
        assertThat(EtcdJson.watch("{\"result\":{\"header\":" + HEADER + ",\"events\":[{\"kv\":{\"key\":"
                + "\"L3NlcnZpY2UvcG9pbnRzbWFuL2xlYWRlcg==\",\"create_revision\":\"200\",\"mod_revision\":\"200\","
                + "\"version\":\"1\",\"value\":\"cGctMg==\",\"lease\":\"646163303787849734\"}},{\"type\":\"DELETE\","
                + "\"kv\":{\"key\":\"L3NlcnZpY2UvcG9pbnRzbWFuL2xlYWRlcg==\",\"mod_revision\":\"217\"}}]}}"))
                .isEqualTo(new EtcdJson.Events(List.of(new EtcdJson.Event(Optional.of("pg-2"), 200),
                        new EtcdJson.Event(Optional.empty(), 217)), 246));
        assertThat(EtcdJson.watch("{\"result\":{\"header\":" + HEADER + ",\"watch_id\":\"-1\"}}"))
                .isEqualTo(new EtcdJson.Progress(246));
        assertThat(EtcdJson.watch("{\"result\":{\"header\":" + HEADER + ",\"canceled\":true,\"compact_revision\":\"240\","
                + "\"cancel_reason\":\"etcdserver: mvcc: required revision has been compacted\"}}"))
                .isEqualTo(new EtcdJson.Canceled(240, "etcdserver: mvcc: required revision has been compacted"));
        assertThat(EtcdJson.watch("{\"error\":{\"grpc_code\":14,\"http_code\":503,\"message\":\"etcdserver: no leader\","
                + "\"http_status\":\"Service Unavailable\"}}")).isEqualTo(new EtcdJson.Failed("etcdserver: no leader"));
    }

    @Test
    void requestsCarryTheKeyInBase64AndRevisionsAsStrings() {
        assertThat(EtcdJson.rangeRequest("/service/pointsman/leader"))
                .isEqualTo("{\"key\":\"L3NlcnZpY2UvcG9pbnRzbWFuL2xlYWRlcg==\"}");
        assertThat(EtcdJson.watchCreate("/service/pointsman/leader", 247)).isEqualTo("{\"create_request\":{\"key\":"
                + "\"L3NlcnZpY2UvcG9pbnRzbWFuL2xlYWRlcg==\",\"start_revision\":\"247\",\"progress_notify\":true}}");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "not json | not JSON",
            "[1,2] | not a JSON object",
            "{} | neither 'result' nor 'error'",
            "`{\"result\":{\"header\":{\"revision\":\"x\"}}}` | 'revision' is not an integer: 'x'",
            "`{\"result\":{\"events\":[{\"type\":\"FROB\"}]}}` | unknown event type 'FROB'",
            "`{\"result\":{\"events\":[{\"kv\":{\"value\":\"***\"}}]}}` | not base64",
            "`{\"result\":{\"events\":[{\"kv\":{\"value\":7}}]}}` | 'value' is not a string"})
    void aLineThatIsNotTheGatewaysIsABadAnswer(String line, String message) {
        assertThatThrownBy(() -> EtcdJson.watch(line)).isInstanceOf(EtcdJson.BadAnswer.class).hasMessageContaining(message);
    }
}
