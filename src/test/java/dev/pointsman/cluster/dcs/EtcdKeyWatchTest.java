package dev.pointsman.cluster.dcs;

import dev.pointsman.config.DcsWatch;
import dev.pointsman.config.Source;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

class EtcdKeyWatchTest {
    /** Short retries; connect and request bounds generous enough for a cold JVM; no confirming reads. */
    static final WatchTimings FAST = new WatchTimings(Duration.ofSeconds(3), Duration.ofSeconds(3),
            Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMinutes(10));
    /** For the tests of the request timeout itself. */
    static final WatchTimings SHORT_REQUEST = new WatchTimings(Duration.ofSeconds(3), Duration.ofMillis(300),
            Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMinutes(10));
    /** A watch idle for 100 ms is confirmed by reading the key. */
    static final WatchTimings CONFIRMING = new WatchTimings(Duration.ofSeconds(3), Duration.ofSeconds(3),
            Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(100));

    /** Records what the watch says, in order. */
    static final class Recorder implements KeyListener {
        final List<String> calls = new CopyOnWriteArrayList<>();

        @Override
        public void onValue(Optional<String> member, long revision) {
            calls.add("leader " + member.orElse("<none>") + "@" + revision);
        }

        @Override
        public void onUnavailable(String reason) {
            calls.add("unavailable: " + reason);
        }

        @Override
        public void onAvailable() {
            calls.add("available");
        }

        List<String> leaders() {
            return calls.stream().filter(c -> c.startsWith("leader")).toList();
        }

        long count(String prefix) {
            return calls.stream().filter(c -> c.startsWith(prefix)).count();
        }
    }

    private final Recorder recorder = new Recorder();
    private FakeGateway gateway;
    private EtcdKeyWatch watch;

    @BeforeEach
    void gateway() throws IOException {
        gateway = new FakeGateway();
    }

    @AfterEach
    void stop() throws IOException {
        if (watch != null) {
            watch.close();
        }
        gateway.close();
    }

    private static DcsWatch config(URI... endpoints) {
        return new DcsWatch(DcsWatch.Kind.ETCD3, List.of(endpoints), "pointsman", "/service", new Source("t.cfg", 3));
    }

    private FakeGateway.Watch started(String member, long modRevision, long revision) throws Exception {
        return started(member, modRevision, revision, FAST);
    }

    private FakeGateway.Watch started(String member, long modRevision, long revision, WatchTimings timings)
            throws Exception {
        gateway.rangeAnswer = FakeGateway.range(member, modRevision, revision);
        watch = EtcdKeyWatch.start(config(gateway.uri()), recorder, timings);
        FakeGateway.Watch w = gateway.nextWatch();
        w.send(FakeGateway.created(revision));
        await().until(() -> recorder.calls.contains("available"));
        return w;
    }

    @Test
    void readsTheLeaderThenDeliversEveryChangeInOrder() throws Exception {
        // Given the key says pg-1, When the watch starts and etcd streams changes
        FakeGateway.Watch w = started("pg-1", 10, 12);
        w.send(FakeGateway.progress(12));
        w.send(FakeGateway.put("pg-2", 13));
        w.send(FakeGateway.delete(14));
        w.send(FakeGateway.put("pg-3", 15));
        // Then the listener hears the read, then each change in order (a delete as empty)
        await().until(() -> recorder.leaders().size() == 4);
        assertThat(recorder.calls).containsExactly("leader pg-1@10", "available", "leader pg-2@13",
                "leader <none>@14", "leader pg-3@15");
        // and the range asked for the leader key, the watch started right after the read
        assertThat(gateway.rangeRequests.poll()).isEqualTo("{\"key\":\"" + FakeGateway.b64("/service/pointsman/leader") + "\"}");
        assertThat(w.createRequest).contains("\"start_revision\":\"13\"").contains("\"progress_notify\":true")
                .contains(FakeGateway.b64("/service/pointsman/leader"));
    }

    @Test
    void severalEventsInOneMessageAreDeliveredInOrder() throws Exception {
        FakeGateway.Watch w = started("pg-1", 10, 12);
        w.send(FakeGateway.delete(13).replace("]}}", "," + FakeGateway.put("pg-2", 14)
                .replaceAll("^.*\"events\":\\[", "")));
        await().until(() -> recorder.leaders().size() == 3);
        assertThat(recorder.leaders()).containsExactly("leader pg-1@10", "leader <none>@13", "leader pg-2@14");
    }

    @Test
    void theSameLeaderWrittenAgainIsNotAChange() throws Exception {
        FakeGateway.Watch w = started("pg-1", 10, 12);
        w.send(FakeGateway.put("pg-1", 13));
        w.send(FakeGateway.put("pg-2", 14));
        await().until(() -> recorder.leaders().size() == 2);
        assertThat(recorder.leaders()).containsExactly("leader pg-1@10", "leader pg-2@14");
    }

    @Test
    void anAbsentKeyIsAnEmptyLeaderAtTheStoreRevision() throws Exception {
        started(null, 0, 30);
        assertThat(recorder.leaders()).containsExactly("leader <none>@30");
    }

    @Test
    void anAbruptCloseReconnectsAndReportsTheChangeMadeMeanwhile() throws Exception {
        // Given a live watch on pg-1
        FakeGateway.Watch first = started("pg-1", 10, 12);
        // When etcd dies while the leader moves to pg-2, and comes back
        gateway.rangeAnswer = FakeGateway.range("pg-2", 20, 21);
        first.abort();
        FakeGateway.Watch second = gateway.nextWatch();
        second.send(FakeGateway.created(21));
        // Then one outage, the change read on reconnect, the watch resumed after it
        await().until(() -> recorder.count("available") == 2);
        assertThat(recorder.calls).hasSize(5);
        assertThat(recorder.calls.get(2)).startsWith("unavailable: etcd " + gateway.uri() + ": watch: ");
        assertThat(recorder.calls.subList(3, 5)).containsExactly("leader pg-2@20", "available");
        assertThat(second.createRequest).contains("\"start_revision\":\"22\"");
        assertThat(gateway.ranges.get()).isEqualTo(2);
    }

    @Test
    void aReconnectAfterAnOutageReportsTheUnchangedValueAgain() throws Exception {
        // Given a live watch on pg-1, When the stream ends and the key is read again unchanged
        FakeGateway.Watch first = started("pg-1", 10, 12);
        first.end();
        gateway.nextWatch().send(FakeGateway.created(12));
        await().until(() -> recorder.count("available") == 2);
        // Then the listener, told of the outage, hears the value again
        assertThat(recorder.leaders()).containsExactly("leader pg-1@10", "leader pg-1@10");
        assertThat(recorder.calls.get(2)).contains("etcd ended the watch stream");
    }

    @Test
    void aRefusingEndpointIsSkippedForTheNext() throws Exception {
        // Given the first endpoint refuses connections
        URI refusing = FakeGateway.refusing();
        gateway.rangeAnswer = FakeGateway.range("pg-3", 5, 6);
        watch = EtcdKeyWatch.start(config(refusing, gateway.uri()), recorder, FAST);
        // When the second one answers
        gateway.nextWatch().send(FakeGateway.created(6));
        await().until(() -> recorder.calls.contains("available"));
        // Then the leader comes from it; the refusal was the one outage
        assertThat(recorder.calls).hasSize(3);
        assertThat(recorder.calls.get(0)).startsWith("unavailable: etcd " + refusing + ": range: connect to");
        assertThat(recorder.calls.subList(1, 3)).containsExactly("leader pg-3@5", "available");
    }

    @Test
    void aLongOutageIsReportedOnceAndItsEndOnce() throws Exception {
        // Given etcd answers errors (no quorum)
        gateway.rangeStatus = 503;
        gateway.rangeAnswer = "{\"error\":\"etcdserver: request timed out\",\"code\":14}";
        watch = EtcdKeyWatch.start(config(gateway.uri()), recorder, FAST);
        // When it keeps failing for many retries
        await().until(() -> gateway.ranges.get() >= 8);
        // Then a single outage, naming the error
        assertThat(recorder.calls).hasSize(1);
        assertThat(recorder.calls.get(0)).contains("range: HTTP 503: ").contains("request timed out");
        // When it recovers, Then one recovery
        gateway.rangeAnswer = FakeGateway.range("pg-1", 3, 4);
        gateway.rangeStatus = 200;
        gateway.nextWatch().send(FakeGateway.created(4));
        await().until(() -> recorder.calls.contains("available"));
        assertThat(recorder.calls).hasSize(3).endsWith("leader pg-1@3", "available");
    }

    @Test
    void anIdleWatchIsConfirmedByReadingTheKeyAndKept() throws Exception {
        // Given a live watch, When nothing happens for several confirm intervals
        started("pg-1", 10, 12, CONFIRMING);
        // Then the key is read again beside it, agrees, and the watch stays
        await().until(() -> gateway.ranges.get() >= 4);
        assertThat(gateway.watchCount.get()).isEqualTo(1);
        assertThat(recorder.calls).containsExactly("leader pg-1@10", "available");
    }

    @Test
    void aWatchThatMissedAChangeIsReplacedWithoutAnOutage() throws Exception {
        // Given a live watch on pg-1, When the key moved to pg-2 but the stream said nothing
        started("pg-1", 10, 12, CONFIRMING);
        gateway.rangeAnswer = FakeGateway.range("pg-2", 20, 21);
        // Then the confirming read notices, the key is read again and a new watch starts after it
        FakeGateway.Watch second = gateway.nextWatch();
        assertThat(second.createRequest).contains("\"start_revision\":\"22\"");
        second.send(FakeGateway.created(21));
        await().until(() -> recorder.leaders().size() == 2);
        assertThat(recorder.calls).containsExactly("leader pg-1@10", "available", "leader pg-2@20");
    }

    @Test
    void aFailedConfirmingReadIsAnOutage() throws Exception {
        // Given a live watch, When its endpoint stops answering reads
        FakeGateway.Watch w = started("pg-1", 10, 12, CONFIRMING);
        gateway.rangeStatus = 503;
        gateway.rangeAnswer = "{\"error\":\"etcdserver: request timed out\",\"code\":14}";
        // Then one outage, and the silent stream is dropped
        await().until(() -> recorder.count("unavailable") == 1);
        assertThat(recorder.calls.get(2)).contains("confirming range: HTTP 503");
        await().until(w::closedByClient);
    }

    @Test
    void aConfirmingReadThatNeverAnswersIsAnOutage() throws Exception {
        FakeGateway.Watch w = started("pg-1", 10, 12, new WatchTimings(Duration.ofSeconds(3), Duration.ofMillis(300),
                Duration.ofMillis(10), Duration.ofMillis(40), Duration.ofMillis(100)));
        gateway.rangeHangs = true;
        await().until(() -> recorder.count("unavailable") == 1);
        assertThat(recorder.calls.get(2)).endsWith("no answer to a confirming range within 300 ms");
        await().until(w::closedByClient);
    }

    @Test
    void aGarbageLineReconnectsWithoutHarm() throws Exception {
        FakeGateway.Watch w = started("pg-1", 10, 12);
        w.send("<html>proxy error</html>");
        FakeGateway.Watch second = gateway.nextWatch();
        second.raw("{\"result\":{\"header\":");
        second.send("not json\"}");
        FakeGateway.Watch third = gateway.nextWatch();
        third.send(FakeGateway.created(12));
        third.send(FakeGateway.put("pg-2", 13));
        await().until(() -> recorder.leaders().size() == 3);
        assertThat(recorder.calls.get(2)).contains("watch: not JSON: '<html>proxy error</html>'");
        assertThat(recorder.count("unavailable")).isEqualTo(1);
        // the key as read again after the outage, then the change
        assertThat(recorder.leaders()).containsExactly("leader pg-1@10", "leader pg-1@10", "leader pg-2@13");
    }

    @Test
    void anErrorInTheStreamIsAnOutage() throws Exception {
        FakeGateway.Watch w = started("pg-1", 10, 12);
        w.send("{\"error\":{\"grpc_code\":14,\"http_code\":503,\"message\":\"etcdserver: no leader\"}}");
        await().until(() -> recorder.count("unavailable") == 1);
        assertThat(recorder.calls.get(2)).endsWith("watch: etcdserver: no leader");
    }

    @Test
    void aCompactedRevisionIsReadAgainWithoutAnOutage() throws Exception {
        // Given a watch, When etcd cancels it because its revision was compacted
        FakeGateway.Watch w = started("pg-1", 10, 12);
        gateway.rangeAnswer = FakeGateway.range("pg-2", 40, 41);
        w.send(FakeGateway.compacted(35, 41));
        // Then the key is read again and watched from the new revision, and no outage is reported
        FakeGateway.Watch second = gateway.nextWatch();
        assertThat(second.createRequest).contains("\"start_revision\":\"42\"");
        second.send(FakeGateway.created(41));
        await().until(() -> recorder.leaders().size() == 2);
        assertThat(recorder.calls).containsExactly("leader pg-1@10", "available", "leader pg-2@40");
    }

    @Test
    void aRangeThatNeverAnswersTimesOut() throws Exception {
        gateway.rangeHangs = true;
        watch = EtcdKeyWatch.start(config(gateway.uri()), recorder, SHORT_REQUEST);
        await().until(() -> recorder.count("unavailable") == 1);
        assertThat(recorder.calls.get(0)).endsWith("no answer to range within 300 ms");
    }

    @Test
    void aWatchNeverCreatedTimesOut() throws Exception {
        gateway.rangeAnswer = FakeGateway.range("pg-1", 10, 12);
        watch = EtcdKeyWatch.start(config(gateway.uri()), recorder, SHORT_REQUEST);
        gateway.nextWatch();
        await().until(() -> recorder.count("unavailable") == 1);
        assertThat(recorder.calls.get(1)).endsWith("watch not created within 300 ms");
    }

    @Test
    void closeStopsAtOnceAndSilencesTheListener() throws Exception {
        // Given a live watch
        FakeGateway.Watch w = started("pg-1", 10, 12);
        // When closed
        watch.close();
        // Then its connection goes, and what etcd sends next is not heard nor retried
        await().atMost(Duration.ofSeconds(2)).until(w::closedByClient);
        int ranges = gateway.ranges.get();
        try {
            w.send(FakeGateway.put("pg-2", 13));
        } catch (IOException expected) {
            // the socket may already be gone
        }
        assertThat(gateway.watches.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS)).isNull();
        assertThat(gateway.ranges.get()).isEqualTo(ranges);
        assertThat(recorder.calls).containsExactly("leader pg-1@10", "available");
    }

    @Test
    void backoffDoublesUpToItsBound() {
        assertThat(WatchTimings.DEFAULT.backoff(1)).isEqualTo(Duration.ofMillis(100));
        assertThat(WatchTimings.DEFAULT.backoff(2)).isEqualTo(Duration.ofMillis(200));
        assertThat(WatchTimings.DEFAULT.backoff(5)).isEqualTo(Duration.ofMillis(1600));
        assertThat(WatchTimings.DEFAULT.backoff(6)).isEqualTo(Duration.ofSeconds(2));
        assertThat(WatchTimings.DEFAULT.backoff(1000)).isEqualTo(Duration.ofSeconds(2));
    }
}
