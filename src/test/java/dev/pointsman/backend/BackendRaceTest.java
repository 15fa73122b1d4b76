package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Routing state changed from several threads at once: what issue 12 found (defects 4, 5, 8, 10).
 * The backend's owner is its own loop here, the sessions' loop another, as in a running proxy.
 */
class BackendRaceTest {
    private static final InetSocketAddress NOWHERE = new InetSocketAddress("127.0.0.1", 9);
    private final EventLoop loop = new DefaultEventLoop();
    private final EventLoop owner = new DefaultEventLoop();
    private final ExecutorService threads = Executors.newFixedThreadPool(2);

    @AfterEach
    void stop() {
        threads.shutdownNow();
        loop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        owner.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
    }

    /** Set while a test thread is inside a state-changing call. */
    static final ThreadLocal<Boolean> CHANGING = ThreadLocal.withInitial(() -> false);

    static final class FakeWaiter implements Waiter {
        final EventExecutor executor;
        final AtomicReference<Server> granted = new AtomicReference<>();
        final AtomicBoolean timedOut = new AtomicBoolean();
        volatile boolean grantedUnderLock;
        volatile boolean grantedOffItsLoop;
        volatile Runnable onQueued = () -> { };
        Backend backend;
        volatile long budget = Long.MIN_VALUE;
        /** The server it left silent (see {@link Waiter#leftSilent()}); null: a newcomer. */
        final Server leftSilent;

        FakeWaiter(EventExecutor executor) {
            this(executor, null);
        }

        FakeWaiter(EventExecutor executor, Server leftSilent) {
            this.executor = executor;
            this.leftSilent = leftSilent;
        }

        @Override
        public Server leftSilent() {
            return leftSilent;
        }

        @Override
        public EventExecutor executor() {
            return executor;
        }

        @Override
        public int sourceHash() {
            return 0;
        }

        @Override
        public long queueBudgetNanos() {
            return budget;
        }

        @Override
        public void queueBudgetNanos(long budget) {
            boolean first = this.budget == Long.MIN_VALUE;
            this.budget = budget;
            if (first) {
                onQueued.run();
            }
        }

        @Override
        public void granted(Server server) {
            grantedUnderLock = backend != null && (Thread.holdsLock(backend) || CHANGING.get());
            grantedOffItsLoop = !executor.inEventLoop();
            granted.set(server);
        }

        @Override
        public void queueTimeout(boolean queueFull) {
            timedOut.set(true);
        }
    }

    /**
     * Runs {@code a} and {@code b} on two threads at once, {@code rounds} times (at most 3 s), each
     * round started by a spin barrier and {@code b} delayed by a sweeping jitter; {@code check}
     * runs on this thread between rounds.
     */
    private void race(int rounds, java.util.function.IntConsumer a, java.util.function.IntConsumer b,
                      java.util.function.IntConsumer check) throws Exception {
        AtomicLong go = new AtomicLong(-1);
        AtomicLong doneA = new AtomicLong(-1);
        AtomicLong doneB = new AtomicLong(-1);
        AtomicBoolean stop = new AtomicBoolean();
        Future<?> ta = threads.submit(() -> {
            for (int i = 0; i < rounds && !stop.get(); i++) {
                while (go.get() < i && !stop.get()) {
                    Thread.onSpinWait();
                }
                a.accept(i);
                doneA.set(i);
            }
            return null;
        });
        Future<?> tb = threads.submit(() -> {
            for (int i = 0; i < rounds && !stop.get(); i++) {
                while (go.get() < i && !stop.get()) {
                    Thread.onSpinWait();
                }
                spin(i % 256);
                b.accept(i);
                doneB.set(i);
            }
            return null;
        });
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        try {
            for (int i = 0; i < rounds && System.nanoTime() < end; i++) {
                go.set(i);
                while (doneA.get() < i || doneB.get() < i) {
                    if (ta.isDone() || tb.isDone()) {
                        ta.get();
                        tb.get();
                    }
                    Thread.onSpinWait();
                }
                check.accept(i);
            }
        } finally {
            stop.set(true);
        }
    }

    @Test
    void aSlotFreedWhileAnotherSessionQueuesIsNeverMissed() throws Exception {
        // Given one server with one slot, held
        Backend backend = new Backend(listen("db").server(server("s1", NOWHERE).maxconn(1))
                .timeoutQueue(Duration.ofSeconds(60)).build(), System::nanoTime, owner);
        Server s1 = backend.servers().get(0);
        backend.acquire(new FakeWaiter(loop));
        assertThat(s1.sessions()).isEqualTo(1);
        quiet(backend);
        // When a session queues for it while the holder gives it back, again and again
        race(5_000, i -> backend.acquire(new FakeWaiter(loop)), i -> backend.release(s1), i -> {
            quiet(backend);
            // Then the queued session has the slot: nobody waits beside a free one
            assertThat(backend.queued()).as("round %d: queued beside a free slot", i).isZero();
            assertThat(s1.sessions()).as("round %d", i).isEqualTo(1);
        });
    }

    @Test
    void vetoesSetAndLiftedAtOnceNeverLeaveAVetoedServerUsable() throws Exception {
        // Given a server the cluster view keeps out
        Backend backend = new Backend(listen("db").server(server("s1", NOWHERE)).build(), System::nanoTime, owner);
        Server s1 = backend.servers().get(0);
        backend.withdraw(s1, Veto.VIEW, "not the leader", false).sync();
        // When the DCS watch withdraws it while the view lets it back, at the same moment, again and again
        race(5_000, i -> backend.withdraw(s1, Veto.DCS, "does not hold the leader key", false),
                i -> backend.allow(s1, Veto.VIEW, "allowed"), i -> {
                    quiet(backend);
                    // Then it stays out: the DCS veto holds
                    assertThat(s1.usable()).as("round %d: usable although vetoed (%s)", i, s1.veto()).isFalse();
                    assertThat(backend.activeUsable()).as("round %d: in the snapshot", i).isZero();
                    backend.allow(s1, Veto.DCS, "allowed");
                    backend.withdraw(s1, Veto.VIEW, "not the leader", false);
                });
    }

    /** Waits until the backend's owner has applied everything sent to it so far. */
    private static void quiet(Backend backend) {
        backend.owner().submit(() -> { }).syncUninterruptibly();
    }

    @Test
    void aSlotFreedWhileASessionIsBeingQueuedGoesToThatSession() throws Exception {
        // Given one server with one slot, held
        Backend backend = new Backend(listen("db").server(server("s1", NOWHERE).maxconn(1))
                .timeoutQueue(Duration.ofSeconds(60)).build(), System::nanoTime, owner);
        Server s1 = backend.servers().get(0);
        backend.acquire(new FakeWaiter(loop));
        quiet(backend);
        // When the holder gives the slot back (on another thread) while the next session is being queued
        FakeWaiter next = new FakeWaiter(loop);
        next.onQueued = () -> {
            try {
                threads.submit(() -> backend.release(s1)).get(5, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        };
        backend.acquire(next);
        quiet(backend);
        // Then that session gets the slot at once instead of waiting out timeout queue beside it
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> next.granted.get() == s1);
        assertThat(backend.queued()).isZero();
    }

    @Test
    void aSlotIsGrantedOutsideTheBackendsLocks() throws Exception {
        // Given a session waiting on the loop of a backend whose only server is down
        Backend backend = new Backend(listen("db").server(server("s1", NOWHERE).check()).build(), System::nanoTime, owner);
        Server s1 = backend.servers().get(0);
        FakeWaiter waiter = new FakeWaiter(loop);
        waiter.backend = backend;
        loop.submit(() -> backend.acquire(waiter)).get(5, TimeUnit.SECONDS);
        quiet(backend);
        assertThat(backend.queued()).isEqualTo(1);
        // When the server comes up, the change made on the backend's owner
        owner.submit(() -> {
            CHANGING.set(true);
            try {
                backend.setOpState(s1, Server.OpState.UP);
            } finally {
                CHANGING.set(false);
            }
        }).get(5, TimeUnit.SECONDS);
        // Then the waiter is told on its own loop, outside the change and without any lock of the backend
        org.awaitility.Awaitility.await().until(() -> waiter.granted.get() != null);
        assertThat(waiter.grantedUnderLock).isFalse();
        assertThat(waiter.grantedOffItsLoop).isFalse();
    }

    @Test
    void aRequeuedSessionWaitsNoLongerThanTimeoutQueueInAll() {
        // Given timeout queue 1 s and no usable server; a session queues and gets a server after 600 ms
        requeuedAfterConnecting(600, 0, (ch, now, waiter) -> {
            // Then its wait ends 1 s after it first queued, not 1 s after it queued again
            advance(ch, now, 450);
            assertThat(waiter.timedOut).as("timed out 1.05 s after it first queued").isTrue();
        });
    }

    @Test
    void timeSpentConnectingIsNotChargedToTheQueue() {
        // Given a session that waited 100 ms for its server, whose connect then took 3 s
        requeuedAfterConnecting(100, 3000, (ch, now, waiter) -> {
            // Then it still has the 900 ms it did not spend in the queue
            advance(ch, now, 850);
            assertThat(waiter.timedOut).as("still waiting 850 ms into its second visit").isFalse();
            advance(ch, now, 100);
            assertThat(waiter.timedOut).as("out once its 1 s in the queue is spent").isTrue();
        });
    }

    interface Then {
        void check(EmbeddedChannel ch, AtomicLong now, FakeWaiter waiter);
    }

    /**
     * Timeout queue 1 s, one checked server (down): a session queues, gets the server after
     * {@code queuedMillis}, connects for {@code connectingMillis}, the server goes down and the
     * session queues again; {@code then} judges its second wait.
     */
    private static void requeuedAfterConnecting(long queuedMillis, long connectingMillis, Then then) {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        AtomicLong now = new AtomicLong(1_000_000_000L);
        try {
            Backend backend = new Backend(listen("db").server(server("s1", NOWHERE).check())
                    .timeoutQueue(Duration.ofSeconds(1)).build(), now::get, ch.eventLoop());
            Server s1 = backend.servers().get(0);
            FakeWaiter waiter = new FakeWaiter(ch.eventLoop());
            backend.acquire(waiter);
            ch.runPendingTasks();
            advance(ch, now, queuedMillis);
            backend.setOpState(s1, Server.OpState.UP);
            ch.runPendingTasks();
            assertThat(waiter.granted.get()).isSameAs(s1);
            advance(ch, now, connectingMillis);
            backend.setOpState(s1, Server.OpState.DOWN);
            backend.release(s1);
            backend.acquire(waiter);
            ch.runPendingTasks();
            then.check(ch, now, waiter);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    /** A delay of a few nanoseconds to a few microseconds, to sweep one thread's call across the other's. */
    static void spin(int n) {
        for (int k = 0; k < n; k++) {
            Thread.onSpinWait();
        }
    }

    @Test
    void grantsRefusedByALoopThatIsGoneGiveEverySlotBackWithoutDeepening() throws Exception {
        // Given thousands of sessions queued on a loop that then stops (the proxy stopping)
        Backend backend = new Backend(listen("db").server(server("s1", NOWHERE).maxconn(1))
                .timeoutQueue(Duration.ofSeconds(60)).build(), System::nanoTime, owner);
        Server s1 = backend.servers().get(0);
        EventLoop sessions = new DefaultEventLoop();
        backend.acquire(new FakeWaiter(loop));
        for (int i = 0; i < 5000; i++) {
            backend.acquire(new FakeWaiter(sessions));
        }
        quiet(backend);
        assertThat(backend.queued()).isEqualTo(5000);
        sessions.shutdownGracefully(0, 0, TimeUnit.MILLISECONDS).sync();
        // When the slot is given back
        backend.release(s1);
        quiet(backend);
        // Then every refused grant gave its slot back, the queue is empty and the owner still runs
        assertThat(backend.queued()).isZero();
        assertThat(s1.sessions()).isZero();
        assertThat(owner.isShuttingDown()).isFalse();
        FakeWaiter later = new FakeWaiter(loop);
        backend.acquire(later);
        assertThat(later.granted.get()).isSameAs(s1);
    }

    @Test
    void slotsThatSlowstartOpensGoToTheQueueWithoutWaitingForASessionToEnd() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        AtomicLong now = new AtomicLong(1_000_000_000L);
        try {
            // Given a server with maxconn 10 and slowstart 1 s that has just come back up
            var sb = server("s1", NOWHERE).maxconn(10).check();
            sb.slowstart = java.util.Optional.of(Duration.ofSeconds(1));
            Backend backend = new Backend(listen("db").server(sb).timeoutQueue(Duration.ofSeconds(60)).build(),
                    now::get, ch.eventLoop());
            Server s1 = backend.servers().get(0);
            backend.setOpState(s1, Server.OpState.UP);
            backend.setOpState(s1, Server.OpState.DOWN);
            backend.setOpState(s1, Server.OpState.UP);
            java.util.List<FakeWaiter> waiters = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                FakeWaiter w = new FakeWaiter(ch.eventLoop());
                waiters.add(w);
                backend.acquire(w);
            }
            ch.runPendingTasks();
            assertThat(waiters.stream().filter(w -> w.granted.get() != null).count()).isEqualTo(1);
            // When half the ramp has passed, no session having ended
            for (int i = 0; i < 50; i++) {
                advance(ch, now, 10);
            }
            // Then the queue got the slots the ramp opened
            assertThat(waiters.stream().filter(w -> w.granted.get() != null).count()).isEqualTo(5);
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void advance(EmbeddedChannel ch, AtomicLong now, long millis) {
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(millis));
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.runPendingTasks();
    }
}
