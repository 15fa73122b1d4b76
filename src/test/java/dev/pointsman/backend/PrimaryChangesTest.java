package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.BackendRaceTest.FakeWaiter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The switchover report: a change's window, its figures and the bound on what is kept. */
class PrimaryChangesTest {
    private static final InetSocketAddress NOWHERE = new InetSocketAddress("127.0.0.1", 9);
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final Backend backend;
    private final Server pg1;
    private final Server pg2;
    private final Server pg3;

    PrimaryChangesTest() {
        loop.freezeTime();
        backend = new Backend(listen("primary").server(server("pg-1", NOWHERE).check())
                .server(server("pg-2", NOWHERE).check()).server(server("pg-3", NOWHERE).check())
                .timeoutQueue(Duration.ofSeconds(30)).build(), nanos::get, loop.eventLoop());
        pg1 = backend.server("pg-1").orElseThrow();
        pg2 = backend.server("pg-2").orElseThrow();
        pg3 = backend.server("pg-3").orElseThrow();
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
        loop.advanceTimeBy(d.toNanos(), TimeUnit.NANOSECONDS);
        loop.runScheduledPendingTasks();
        loop.runPendingTasks();
    }

    private FakeWaiter queued() {
        FakeWaiter w = new FakeWaiter(loop.eventLoop());
        backend.acquire(w);
        loop.runPendingTasks();
        return w;
    }

    private void up(Server s) {
        backend.setOpState(s, Server.OpState.UP);
        loop.runPendingTasks();
    }

    private void down(Server s) {
        backend.setOpState(s, Server.OpState.DOWN);
        loop.runPendingTasks();
    }

    @Test
    void theFirstPrimarySinceStartIsNoChange() {
        backend.primaryChanges().track();

        up(pg1);

        assertThat(backend.primaryChanges().events()).isEmpty();
        assertThat(backend.primaryChanges().total()).isZero();
    }

    @Test
    void aSwitchoverKeepsWhoHowLearntTheGapAndTheSessionsOfItsWindow() {
        backend.primaryChanges().track();
        up(pg1);
        Instant before = Instant.now();

        // Given the leader key moves away from pg-1: it takes no new session from now
        backend.withdraw(pg1, Veto.DCS, "the leader key names pg-2", false);
        FakeWaiter first = queued();
        advance(Duration.ofMillis(500));
        FakeWaiter second = queued();
        FakeWaiter impatient = new FakeWaiter(loop.eventLoop());
        impatient.budget = Duration.ofMillis(100).toNanos();
        backend.acquire(impatient);
        advance(Duration.ofMillis(100)); // its queue time is spent: sQ
        backend.connectFailed(second, pg1, new IOException("refused"), () -> { });
        pg1.counters.killed.add(2); // its sessions cut on their loops
        advance(Duration.ofMillis(1400));

        // When pg-2 passes its check, 2 s after pg-1 went out
        up(pg2);

        // Then the change is open, the two waiters were held and got pg-2
        assertThat(first.granted.get()).isSameAs(pg2);
        assertThat(second.granted.get()).isSameAs(pg2);
        assertThat(impatient.timedOut.get()).isTrue();
        PrimaryChange open = backend.primaryChanges().events().get(0);
        assertThat(open.open()).isTrue();
        assertThat(open.from()).isEqualTo("pg-1");
        assertThat(open.to()).isEqualTo("pg-2");
        assertThat(open.learnt()).isEqualTo("etcd-key");
        assertThat(open.gap()).isEqualTo(Duration.ofSeconds(2));
        assertThat(open.held()).isEqualTo(2);
        assertThat(open.longestWait()).isEqualTo(Duration.ofSeconds(2));
        assertThat(open.cut()).isEqualTo(2);
        assertThat(open.failed()).isEqualTo(1);
        assertThat(open.retried()).isEqualTo(1);
        assertThat(open.at()).isBetween(before, Instant.now());

        // and once pg-2 has served for SETTLE the figures are final
        advance(PrimaryChanges.SETTLE);
        backend.counters.queueTimeouts.increment();
        pg1.counters.killed.increment();
        PrimaryChange closed = backend.primaryChanges().events().get(0);
        assertThat(closed.open()).isFalse();
        assertThat(closed.failed()).isEqualTo(1);
        assertThat(closed.cut()).isEqualTo(2);
        assertThat(backend.primaryChanges().events()).hasSize(1);
        assertThat(backend.primaryChanges().total()).isEqualTo(1);
        assertThat(backend.primaryChanges().last()).isEqualTo(closed);
    }

    @Test
    void theOldPrimaryBackBeforeAnyOtherIsNoChange() {
        backend.primaryChanges().track();
        up(pg1);

        down(pg1);
        advance(Duration.ofSeconds(1));
        up(pg1);

        assertThat(backend.primaryChanges().events()).isEmpty();
    }

    @Test
    void aFailingCheckIsHowItWasLearntAndTheNextChangeClosesTheOpenOne() {
        backend.primaryChanges().track();
        up(pg1);
        down(pg1);
        up(pg2);
        advance(Duration.ofSeconds(1));

        backend.withdraw(pg2, Veto.VIEW, "not the leader", false);
        loop.runPendingTasks();
        advance(Duration.ofMillis(300));
        up(pg3);

        assertThat(backend.primaryChanges().events()).extracting(PrimaryChange::from, PrimaryChange::to,
                PrimaryChange::learnt, PrimaryChange::open).containsExactly(
                org.assertj.core.groups.Tuple.tuple("pg-2", "pg-3", "cluster-view", true),
                org.assertj.core.groups.Tuple.tuple("pg-1", "pg-2", "check", false));
        assertThat(backend.primaryChanges().events().get(0).gap()).isEqualTo(Duration.ofMillis(300));
    }

    @Test
    void aServerAlreadyUsableWhenThePrimaryLeavesTakesOverWithNoGap() {
        backend.primaryChanges().track();
        up(pg1);
        up(pg2); // both usable for a moment: pg-1 stays the primary

        backend.withdraw(pg1, Veto.RECHECK, "pg-2 came up on this primary pool; re-checking", false);
        loop.runPendingTasks();

        PrimaryChange c = backend.primaryChanges().events().get(0);
        assertThat(c.from()).isEqualTo("pg-1");
        assertThat(c.to()).isEqualTo("pg-2");
        assertThat(c.learnt()).isEqualTo("re-check");
        assertThat(c.gap()).isZero();
    }

    @Test
    void onlyTheLastHundredChangesAreKept() {
        backend.primaryChanges().track();
        up(pg1);
        Server primary = pg1;
        for (int i = 0; i < PrimaryChanges.LIMIT + 5; i++) {
            Server next = primary == pg1 ? pg2 : pg1;
            down(primary);
            up(next);
            primary = next;
        }

        assertThat(backend.primaryChanges().events()).hasSize(PrimaryChanges.LIMIT);
        assertThat(backend.primaryChanges().total()).isEqualTo(PrimaryChanges.LIMIT + 5);
        assertThat(backend.primaryChanges().events().get(0).to()).isEqualTo(primary.name());
    }

    @Test
    void aBackendThatIsNotAPrimaryPoolKeepsNothing() {
        up(pg1);
        down(pg1);
        up(pg2);

        assertThat(backend.primaryChanges().events()).isEmpty();
        assertThat(backend.primaryChanges().last()).isNull();
    }
}
