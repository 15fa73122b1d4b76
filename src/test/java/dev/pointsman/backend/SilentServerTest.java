package dev.pointsman.backend;

import static dev.pointsman.backend.EmbeddedSession.writtenBytes;
import static dev.pointsman.testing.Configs.listen;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import dev.pointsman.check.CheckReport;
import dev.pointsman.check.CheckResult;
import dev.pointsman.check.CheckStatus;
import dev.pointsman.check.HealthState;
import dev.pointsman.check.OperationalState;
import dev.pointsman.check.Transition;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A server that accepts the TCP connection and then says nothing (a SIGSTOPped postmaster: the
 * kernel completes the handshake for it) while the cluster view doubts it (its Patroni does not
 * answer either): the opening goes to the next usable server, or back to the queue, instead of
 * waiting for the client's own timeout (defect 3 of docs/FAULTS.md). A server the view does not
 * doubt, or one that answers, keeps its session.
 */
class SilentServerTest {
    static final String DOUBT = "Patroni leader, /patroni unanswered";

    @AfterEach
    void closeWhatTheTestLeftOpen() {
        EmbeddedSession.closeAll();
    }

    private static ByteBuf buf(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    private static EmbeddedSession startedWithStartupMessage() throws Exception {
        EmbeddedSession t = new EmbeddedSession().start();
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));
        assertThat(writtenBytes(t.lastServer())).isEqualTo(StartupReplayTest.startupMessage("alice").length);
        return t;
    }

    /** The server's latest check timed out, as a frozen server's does. */
    private static void checkTimedOut(Server s) {
        record(s, CheckStatus.L7TOUT);
    }

    private static void record(Server s, CheckStatus status) {
        s.recordCheck(new CheckReport("primary", s.name(), false,
                new CheckResult(status, OptionalInt.empty(), "", Duration.ofSeconds(1)), new HealthState(2, 2, 3, true),
                Transition.UNCHANGED, OperationalState.UP, false, Optional.empty()));
    }

    @Test
    void aDoubtedServerSilentAfterTheStartupMessageIsLeftAndTheOpeningGoesToTheNextServer() throws Exception {
        EmbeddedSession t = startedWithStartupMessage();
        t.server("a").doubt(DOUBT);
        checkTimedOut(t.server("a"));

        t.tick(Session.GREETING_WAIT_MILLIS);

        assertThat(t.servers).hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
        assertThat(writtenBytes(t.lastServer())).as("the StartupMessage replayed on b")
                .isEqualTo(StartupReplayTest.startupMessage("alice").length);
        assertThat(t.connectFailures).as("a is withdrawn until a check passes").hasSize(1);
        assertThat(t.connectFailures.get(0)).as("and the reason says why, not 57P03")
                .hasMessageContaining("no answer to the client's opening within 500 ms");
        t.lastServer().writeInbound(buf(StartupReplayTest.AUTH_OK));
        assertThat(writtenBytes(t.client)).isEqualTo(StartupReplayTest.AUTH_OK.length);
    }

    @Test
    void aSilentServerTheViewDoesNotDoubtKeepsTheSession() throws Exception {
        EmbeddedSession t = startedWithStartupMessage();

        t.tick(10_000);

        assertThat(t.servers).hasSize(1);
        assertThat(t.client.isOpen()).isTrue();
        assertThat(t.connectFailures).isEmpty();
    }

    @Test
    void aSessionOnAServerTheViewDoesNotDoubtHasNoTimerOnItsLoop() throws Exception {
        // the greeting watch costs nothing on the healthy path (issue 16: one timer per session before)
        EmbeddedSession t = startedWithStartupMessage();

        assertThat(t.client.runScheduledPendingTasks()).as("nanoseconds to the next timer on the session's loop, -1: none")
                .isEqualTo(-1);
        t.server("a").doubt(DOUBT);
        assertThat(t.client.runScheduledPendingTasks()).as("a doubt starts the wait of the unanswered opening")
                .isPositive();
    }

    @Test
    void aDoubtedServerThatAnswersKeepsTheSession() throws Exception {
        // a healthy primary whose Patroni REST API is merely slow
        EmbeddedSession t = startedWithStartupMessage();
        t.server("a").doubt(DOUBT);
        t.tick(5);
        t.lastServer().writeInbound(buf(StartupReplayTest.AUTH_OK));

        t.tick(10_000);

        assertThat(t.servers).hasSize(1);
        assertThat(writtenBytes(t.client)).isEqualTo(StartupReplayTest.AUTH_OK.length);
        assertThat(t.connectFailures).isEmpty();
    }

    @Test
    void aDoubtThatComesAfterTheConnectStillMovesTheSilentSession() throws Exception {
        // the view notices the frozen leader a second or two after the freeze; the session connected at once
        EmbeddedSession t = startedWithStartupMessage();
        t.tick(1500);
        assertThat(t.servers).hasSize(1);

        t.server("a").doubt(DOUBT);
        t.tick(Session.GREETING_WAIT_MILLIS);

        assertThat(t.servers).hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
    }

    @Test
    void aClientThatSentNothingIsNotMovedForItsServersSilence() {
        EmbeddedSession t = new EmbeddedSession().start();
        t.server("a").doubt(DOUBT);

        t.tick(10_000);

        assertThat(t.servers).hasSize(1);
        assertThat(t.connectFailures).isEmpty();
    }

    @Test
    void aDoubtedServerSilentAfterAnSslRequestSendsItToTheNextServerWhoseAnswerReachesTheClient() throws Exception {
        // libpq's default sslmode=prefer opens with an SSLRequest and waits for 'S' or 'N'
        EmbeddedSession t = new EmbeddedSession().start();
        t.client.writeInbound(buf(StartupReplayTest.sslRequest()));
        assertThat(writtenBytes(t.lastServer())).isEqualTo(8);
        t.server("a").doubt(DOUBT);

        t.tick(Session.GREETING_WAIT_MILLIS);

        assertThat(t.servers).hasSize(2);
        assertThat(writtenBytes(t.lastServer())).as("the SSLRequest replayed on b").isEqualTo(8);
        t.lastServer().writeInbound(buf(new byte[]{'N'}));
        assertThat(writtenBytes(t.client)).as("b's 'N' reaches the client").isEqualTo(1);
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));
        t.settle();
        assertThat(writtenBytes(t.lastServer())).as("then the client's StartupMessage")
                .isEqualTo(StartupReplayTest.startupMessage("alice").length);
    }

    @Test
    void withNoOtherServerTheSilentSessionWaitsInTheQueueNotOnTheSilentServer() throws Exception {
        EmbeddedSession t = startedWithStartupMessage();
        t.backend.onConnectFailure((b, s, cause) -> b.setOpState(s, Server.OpState.DOWN)); // withdrawn, as the runtime does
        t.backend.setOpState(t.server("b"), Server.OpState.DOWN);
        t.server("a").doubt(DOUBT);
        checkTimedOut(t.server("a"));

        t.tick(Session.GREETING_WAIT_MILLIS);

        assertThat(t.backend.queued()).isEqualTo(1);
        assertThat(t.lastServer().isOpen()).as("the connection to the silent server is closed").isFalse();
        t.backend.setOpState(t.server("b"), Server.OpState.UP);
        t.settle();
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
        assertThat(writtenBytes(t.lastServer())).isEqualTo(StartupReplayTest.startupMessage("alice").length);
    }

    @Test
    void aDoubtedServerGetsItsFullWaitCountedFromAnOpeningThatCameLate() throws Exception {
        // Given a session connected to a doubted server whose client speaks 450 ms after the connect
        EmbeddedSession t = new EmbeddedSession().start();
        t.server("a").doubt(DOUBT);
        t.tick(450);
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));
        // When the server has been silent for 100 ms after the opening (well under GREETING_WAIT_MILLIS)
        t.tick(100);
        // Then it is still its session
        assertThat(t.servers).as("left after 100 ms of silence, not 500").hasSize(1);
        assertThat(t.connectFailures).isEmpty();
    }

    @Test
    void aStartupMessageSplitAcrossTheFirstWaitIsStillWatchedAndTheSilentServerLeft() throws Exception {
        EmbeddedSession t = new EmbeddedSession().start();
        t.server("a").doubt(DOUBT);
        byte[] startup = StartupReplayTest.startupMessage("alice");
        t.client.writeInbound(buf(Arrays.copyOfRange(startup, 0, 4)));
        t.tick(Session.GREETING_WAIT_MILLIS); // the watch fires with half an opening
        t.client.writeInbound(buf(Arrays.copyOfRange(startup, 4, startup.length)));

        t.tick(10_000);

        assertThat(t.servers).as("the frozen server is left once the whole opening waited its full time").hasSize(2);
    }

    @Test
    void aDoubtedServerThatAnsweredTheSslRequestWithNAndThenFrozeIsLeft() throws Exception {
        EmbeddedSession t = new EmbeddedSession().start();
        t.client.writeInbound(buf(StartupReplayTest.sslRequest()));
        t.lastServer().writeInbound(buf(new byte[]{'N'}));
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));
        t.settle();
        t.server("a").doubt(DOUBT);

        t.tick(10_000);

        assertThat(t.servers).as("the 'N' does not end the watch: the StartupMessage is not left waiting on a frozen server").hasSize(2);
    }

    @Test
    void aDoubtedHealthyServerThatAnswersIn600MsIsNeverWithdrawnForItsSlowness() throws Exception {
        // the only usable server (primary pool), healthy but slow to fork/answer under load, its Patroni API slow too
        EmbeddedSession t = new EmbeddedSession().start();
        t.backend.onConnectFailure((b, s, cause) -> b.setOpState(s, Server.OpState.DOWN)); // withdrawn, as the runtime does
        t.backend.setOpState(t.server("b"), Server.OpState.DOWN);
        t.server("a").doubt(DOUBT);
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));
        int withdrawals = 0;
        for (int i = 0; i < 12 && t.client.isOpen(); i++) {
            t.tick(Session.GREETING_WAIT_MILLIS); // it would have answered at 600 ms
            if (!t.server("a").usable()) {
                withdrawals++;
                t.backend.setOpState(t.server("a"), Server.OpState.UP); // its check passes
                t.settle();
            }
        }
        assertThat(withdrawals).as("times the healthy primary was withdrawn for everyone").isZero();
    }

    @Test
    void aDoubtedServerWhoseCheckPassesLosesTheSessionButIsNotWithdrawn() throws Exception {
        EmbeddedSession t = startedWithStartupMessage();
        t.server("a").doubt(DOUBT);

        t.tick(Session.GREETING_WAIT_MILLIS);

        assertThat(t.lastServer().connectedTo).as("the opening went to b").isEqualTo(t.server("b").config().address());
        assertThat(t.connectFailures).as("a, maybe only slow, stays usable for others").isEmpty();
        assertThat(t.server("a").usable()).isTrue();
    }

    /** A sole primary pool: b is DOWN, a is doubted and the session's opening on a went unanswered for the greeting wait. */
    private static EmbeddedSession leftSilentWithNoOtherServer() throws Exception {
        EmbeddedSession t = startedWithStartupMessage();
        t.backend.onConnectFailure((b, s, cause) -> b.setOpState(s, Server.OpState.DOWN)); // withdrawn, as the runtime does
        t.backend.setOpState(t.server("b"), Server.OpState.DOWN);
        t.server("a").doubt(DOUBT); // its check still passes: the last one ran before the freeze
        t.tick(Session.GREETING_WAIT_MILLIS);
        return t;
    }

    @Test
    void aSessionThatLeftADoubtedSilentServerWaitsInTheQueueInsteadOfReturningToIt() throws Exception {
        // defect 3 (FreezeLeaderIT): sessions bounced back to a frozen sole primary until their replays
        // were spent, then waited 10 s on it for the checks to mark it DOWN
        EmbeddedSession t = leftSilentWithNoOtherServer();

        t.tick(300);

        assertThat(t.servers).as("connections made: the session did not go back to the silent server").hasSize(1);
        assertThat(t.backend.queued()).isEqualTo(1);
        assertThat(t.client.isOpen()).isTrue();
        // When a's check fails (frozen) and b comes up as the new primary
        checkTimedOut(t.server("a"));
        t.backend.setOpState(t.server("b"), Server.OpState.UP);
        t.settle();
        // Then the opening goes to b
        assertThat(t.servers).hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
        assertThat(writtenBytes(t.lastServer())).isEqualTo(StartupReplayTest.startupMessage("alice").length);
    }

    @Test
    void whenTheDoubtClearsTheWaitingSessionGoesBackToTheServer() throws Exception {
        EmbeddedSession t = leftSilentWithNoOtherServer();

        t.server("a").doubt(null); // the view's next round got a's /patroni: not frozen after all
        t.settle();

        assertThat(t.servers).hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("a").config().address());
        assertThat(writtenBytes(t.lastServer())).isEqualTo(StartupReplayTest.startupMessage("alice").length);
    }

    @Test
    void aCheckBegunAfterTheDoubtThatPassesProvesTheServerAliveAndItsSilenceNoLongerMovesSessions() throws Exception {
        // a healthy primary whose PostgreSQL is slow to answer and whose /patroni is slow too: its checks still pass
        EmbeddedSession t = leftSilentWithNoOtherServer();

        t.tick(100);
        t.server("a").checkPassed(t.clock.nanoTime() - java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(50));
        t.settle();

        assertThat(t.servers).as("the session went back to a").hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("a").config().address());
        t.tick(5 * Session.GREETING_WAIT_MILLIS);
        assertThat(t.servers).as("and waits there for its answer").hasSize(2);
        assertThat(t.lastServer().isOpen()).isTrue();
    }

    @Test
    void aCheckThatBeganBeforeTheDoubtProvesNothing() throws Exception {
        EmbeddedSession t = leftSilentWithNoOtherServer();

        t.server("a").checkPassed(t.clock.nanoTime() - java.util.concurrent.TimeUnit.SECONDS.toNanos(2));
        t.settle();

        assertThat(t.servers).hasSize(1);
        assertThat(t.backend.queued()).isEqualTo(1);
    }

    @Test
    void aWaiterThatLeftTheServerSilentDoesNotHoldUpTheQueueForOthers() throws Exception {
        EmbeddedSession t = leftSilentWithNoOtherServer();
        BackendRaceTest.FakeWaiter next = new BackendRaceTest.FakeWaiter(t.owner.eventLoop());

        t.backend.acquire(next);
        t.settle();

        assertThat(next.granted.get()).as("a newcomer, which has not found a silent, may try it").isSameAs(t.server("a"));
        assertThat(t.backend.queued()).as("the session that left a still waits").isEqualTo(1);
        t.backend.release(next.granted.get());
        t.settle();
    }

    @Test
    void aServerThatFrozeAfterACheckShowedItAliveIsStillLeftOnceItsCheckFails() throws Exception {
        // found by review: a check passing early in the doubt (Patroni stuck, PostgreSQL alive) and then
        // PostgreSQL freezing too left sessions on the server until the client's own timeout
        EmbeddedSession t = new EmbeddedSession().start();
        Server a = t.server("a");
        a.doubt(DOUBT);
        a.checkPassed(t.clock.nanoTime());
        checkTimedOut(a);
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));

        t.tick(3 * Session.GREETING_WAIT_MILLIS);

        assertThat(t.servers).as("the opening left the frozen server").hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
    }

    @Test
    void waitersPassedOverForTheServerTheyLeftDoNotFillMaxqueueForNewcomers() throws Exception {
        // found by review: with maxqueue 1 per server, two such waiters refused every newcomer although a had room
        EmbeddedSession t = new EmbeddedSession();
        t.config = listen("be").server(EmbeddedSession.serverAt("a", 15432).maxqueue(1))
                .server(EmbeddedSession.serverAt("b", 15433).maxqueue(1));
        Backend backend = t.backend();
        backend.setOpState(t.server("b"), Server.OpState.DOWN);
        Server a = t.server("a");
        a.doubt(DOUBT);
        backend.acquire(new BackendRaceTest.FakeWaiter(t.owner.eventLoop(), a));
        backend.acquire(new BackendRaceTest.FakeWaiter(t.owner.eventLoop(), a));
        t.owner.runPendingTasks();
        assertThat(backend.queued()).isEqualTo(2);

        BackendRaceTest.FakeWaiter newcomer = new BackendRaceTest.FakeWaiter(t.owner.eventLoop());
        backend.acquire(newcomer);
        t.owner.runPendingTasks();

        assertThat(newcomer.timedOut.get()).as("refused with a free slot on a").isFalse();
        assertThat(newcomer.granted.get()).isSameAs(a);
        backend.release(a);
    }

    @Test
    void aServerThatFreezesAfterTheGreetingWaitRanOutIsStillLeftWhenItsCheckFails() throws Exception {
        // found by review: the watch stopped when the wait ran out on a server shown alive, and a check
        // failing later (PostgreSQL frozen too) found no one watching
        EmbeddedSession t = new EmbeddedSession().start();
        Server a = t.server("a");
        a.doubt(DOUBT);
        a.checkPassed(t.clock.nanoTime());
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));
        t.tick(Session.GREETING_WAIT_MILLIS + 10);
        assertThat(t.servers).as("alive: its session waits for its answer").hasSize(1);

        checkTimedOut(a);
        t.tick(5000);

        assertThat(t.servers).as("the opening left the server once its check failed").hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
    }

    @Test
    void aCheckPassingAgainAfterAFailureLetsTheWaitersThatLeftTheServerBack() throws Exception {
        // found by review: only the first proof of life drained the queue
        EmbeddedSession t = new EmbeddedSession();
        Backend backend = t.backend();
        backend.setOpState(t.server("b"), Server.OpState.DOWN);
        Server a = t.server("a");
        a.doubt(DOUBT);
        a.checkPassed(t.clock.nanoTime());
        checkTimedOut(a); // one failure: still UP (fall 3), but shunned again
        BackendRaceTest.FakeWaiter left = new BackendRaceTest.FakeWaiter(t.owner.eventLoop(), a);
        backend.acquire(left);
        t.owner.runPendingTasks();
        assertThat(backend.queued()).isEqualTo(1);

        record(a, CheckStatus.L7OK);
        a.checkPassed(t.clock.nanoTime());
        t.owner.runPendingTasks();

        assertThat(left.granted.get()).as("the waiter that left a, a alive again").isSameAs(a);
        backend.release(a);
    }
}
