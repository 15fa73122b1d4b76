package dev.pointsman.backend;

import static dev.pointsman.backend.EmbeddedSession.fin;
import static dev.pointsman.backend.EmbeddedSession.writtenBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.Test;

/** The PostgreSQL opening across servers: when it is replayed, what is kept meanwhile, what is never lost. */
class SessionReplayTest {
    @org.junit.jupiter.api.AfterEach
    void closeWhatTheTestLeftOpen() {
        EmbeddedSession.closeAll();
    }


    private static ByteBuf buf(byte[] bytes) {
        return Unpooled.wrappedBuffer(bytes);
    }

    /** A refused or dropped session withdraws its server here as the runtime's health wiring does. */
    private static void withdrawOnRefusal(EmbeddedSession t) {
        t.backend.onConnectFailure((b, s, cause) -> {
            t.connectFailures.add(cause);
            b.setOpState(s, Server.OpState.DOWN);
        });
    }

    @Test
    void aServerClosingOnASilentClientLongAfterConnectEndsTheSessionWithoutReplayOrWithdrawal() {
        // PostgreSQL's authentication_timeout (60 s by default) closing a client that sent nothing
        EmbeddedSession t = new EmbeddedSession().start();

        t.tick(60_000);
        t.lastServer().close();
        t.settle();

        assertThat(t.client.isOpen()).isFalse();
        assertThat(t.record().termination()).isEqualTo("--");
        assertThat(t.servers).hasSize(1);
        assertThat(t.connectFailures).isEmpty();
        assertThat(t.backend.sessions()).isZero();
    }

    @Test
    void aServerFinOnASilentClientLongAfterConnectEndsTheSessionWithoutReplayOrWithdrawal() {
        EmbeddedSession t = new EmbeddedSession().start();

        t.tick(60_000);
        fin(t.lastServer());
        t.settle();

        assertThat(t.client.isOpen()).isFalse();
        assertThat(t.record().termination()).isEqualTo("--");
        assertThat(t.servers).hasSize(1);
        assertThat(t.connectFailures).isEmpty();
    }

    @Test
    void aServerDroppingASilentClientRightAfterConnectIsLeftAndTheSessionGoesToTheNext() {
        // a postmaster stopping: the connection is dropped before the client's first byte
        EmbeddedSession t = new EmbeddedSession().start();

        t.tick(20);
        t.lastServer().close();
        t.settle();

        assertThat(t.client.isOpen()).isTrue();
        assertThat(t.servers).hasSize(2);
        assertThat(t.connectFailures).hasSize(1);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
    }

    @Test
    void aSilentClientDroppedJustOutsideTheWindowIsNotReplayed() {
        EmbeddedSession t = new EmbeddedSession().start();

        t.tick(Session.SILENT_DROP_WINDOW_NANOS / 1_000_000);
        t.lastServer().close();
        t.settle();

        assertThat(t.servers).hasSize(1);
        assertThat(t.client.isOpen()).isFalse();
    }

    @Test
    void aSilentSessionCutBecauseItsServerWentDownLongAfterConnectStillGoesToTheNextServer() {
        // shutdown-sessions: the server is leaving, not timing the client out
        EmbeddedSession t = new EmbeddedSession().start();
        t.tick(60_000);

        t.backend.setOpState(t.server("a"), Server.OpState.DOWN);
        t.backend.shutdownSessions(t.server("a"), 'D');
        t.settle();

        assertThat(t.client.isOpen()).isTrue();
        assertThat(t.servers).hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
        assertThat(t.connectFailures).isEmpty();
    }

    @Test
    void aCutOrderedForAServerTheSessionHasAlreadyLeftDoesNotTouchItOnItsNextServer() {
        // shutdown-sessions takes a snapshot of a's sessions; by the time the cut runs on the
        // session's loop, the session has been dropped by a and replayed onto b
        EmbeddedSession t = new EmbeddedSession().start();
        Server a = t.server("a");
        java.util.Set<Session> stale = a.liveSessions();
        assertThat(stale).hasSize(1);
        t.tick(20);
        t.lastServer().close(); // a drops the silent client: the opening goes to b
        t.settle();
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());

        stale.forEach(s -> s.kill('D', a));
        t.settle();

        assertThat(t.client.isOpen()).isTrue();
        assertThat(t.servers).hasSize(2);
        assertThat(t.lastServer().isOpen()).isTrue();
        assertThat(t.server("b").sessions()).isEqualTo(1);
        assertThat(a.counters.killed.sum()).as("a cut that did not happen is not counted").isZero();
    }

    @Test
    void clientBytesReadWhileTheSessionWaitsForTheNextServerReachThatServer() throws Exception {
        EmbeddedSession t = new EmbeddedSession().start();
        withdrawOnRefusal(t);
        t.backend.setOpState(t.server("b"), Server.OpState.DOWN);
        t.lastServer().close(); // dropped at once: back to the queue, no server usable
        t.settle();
        assertThat(t.backend.queued()).isEqualTo(1);
        ByteBuf ssl = buf(StartupReplayTest.sslRequest());

        t.client.writeInbound(ssl);
        assertThat(ssl.refCnt()).isEqualTo(1);
        t.backend.setOpState(t.server("b"), Server.OpState.UP);
        t.settle();

        ByteBuf atB = t.lastServer().readOutbound();
        assertThat(atB).isSameAs(ssl);
        assertThat(atB.readableBytes()).isEqualTo(8);
        atB.release();
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
    }

    @Test
    void anSslRequestLeftUnansweredByADroppedServerIsSentToTheNextWhoseAnswerReachesTheClient() throws Exception {
        EmbeddedSession t = new EmbeddedSession().start();
        withdrawOnRefusal(t);
        ByteBuf ssl = buf(StartupReplayTest.sslRequest());
        t.client.writeInbound(ssl);
        assertThat(writtenBytes(t.lastServer())).isEqualTo(8);
        assertThat(ssl.refCnt()).isZero();

        t.lastServer().close(); // a postmaster going down: reset before its answer
        t.settle();

        assertThat(t.servers).hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
        ByteBuf replayed = t.lastServer().readOutbound();
        assertThat(replayed.readInt()).isEqualTo(8);
        assertThat(replayed.readInt()).isEqualTo(80877103);
        replayed.release();
        ByteBuf yes = buf(new byte[]{'S'});
        t.lastServer().writeInbound(yes);
        ByteBuf atClient = t.client.readOutbound();
        assertThat(atClient.readableBytes()).isEqualTo(1);
        assertThat(atClient.getByte(0)).isEqualTo((byte) 'S');
        atClient.release();
        assertThat(yes.refCnt()).isZero();
        assertThat(t.connectFailures).hasSize(1);
    }

    @Test
    void aVetoThatKeptOpenSessionsCutsThemWhenTheSameSourceLaterWithdrawsTheServerForGood() {
        // the cluster view: a leader "stopping" takes no new session but keeps its open ones; once
        // it is no longer the leader, the same source ends them (on-marked-down shutdown-sessions)
        EmbeddedSession t = new EmbeddedSession().shutdownSessionsOnDown().start();
        t.client.writeInbound(EmbeddedSession.ascii("not a PostgreSQL opening"));
        t.lastServer().writeInbound(EmbeddedSession.ascii("answer"));
        EmbeddedSession.written(t.client);
        EmbeddedSession.written(t.lastServer());
        Server a = t.server("a");

        t.backend.withdraw(a, Veto.VIEW, "Patroni leader not promoted and running (role master, state stopping)", false);
        t.settle();
        assertThat(t.client.isOpen()).as("kept while the leader stops").isTrue();

        t.backend.withdraw(a, Veto.VIEW, "not the Patroni leader (pg-2 is)", true);
        t.settle();

        assertThat(t.client.isOpen()).as("cut once it is not the leader").isFalse();
        assertThat(t.record().termination()).isEqualTo("DD");
    }

    @Test
    void clientBytesHeldForTheNextServerAreReleasedWhenTheClientLeaves() {
        EmbeddedSession t = new EmbeddedSession().start();
        withdrawOnRefusal(t);
        t.backend.setOpState(t.server("b"), Server.OpState.DOWN);
        t.lastServer().close();
        t.settle();
        ByteBuf held = buf(new byte[]{1, 2, 3});
        t.client.writeInbound(held);

        t.client.close();

        assertThat(held.refCnt()).isZero();
        assertThat(t.record().termination()).isEqualTo("--");
        assertThat(t.backend.queued()).isZero();
    }

    @Test
    void whatADroppedServerLeftUnfinishedNeverReachesTheClient() throws Exception {
        // the first server starts an answer and drops the connection; the opening goes to b,
        // whose answer must reach the client alone
        EmbeddedSession t = new EmbeddedSession().start();
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));
        writtenBytes(t.lastServer());
        t.lastServer().writeInbound(buf(new byte[]{'E', 0, 0}));
        t.lastServer().close();
        t.settle();
        assertThat(t.servers).hasSize(2);
        assertThat(writtenBytes(t.lastServer())).as("the replayed StartupMessage")
                .isEqualTo(StartupReplayTest.startupMessage("alice").length);

        t.lastServer().writeInbound(buf(StartupReplayTest.AUTH_OK));

        ByteBuf atClient = t.client.readOutbound();
        byte[] got = new byte[atClient.readableBytes()];
        atClient.readBytes(got);
        atClient.release();
        assertThat(got).containsExactly(StartupReplayTest.AUTH_OK);
    }

    @Test
    void aServerAnswerLargerThanTheWindowReachesTheClientWhole() throws Exception {
        EmbeddedSession t = new EmbeddedSession().start();
        t.client.writeInbound(buf(StartupReplayTest.startupMessage("alice")));
        writtenBytes(t.lastServer());
        // an ErrorResponse header announcing 8000 bytes, then more than the window holds
        ByteBuf head = Unpooled.buffer(5).writeByte('E').writeInt(8000);
        ByteBuf rest = buf(new byte[StartupReplay.MAX_BYTES - 2]);

        t.lastServer().writeInbound(head);
        t.lastServer().writeInbound(rest);

        assertThat(writtenBytes(t.client)).isEqualTo(5 + StartupReplay.MAX_BYTES - 2);
        assertThat(head.refCnt()).isZero();
        assertThat(rest.refCnt()).isZero();
    }
}
