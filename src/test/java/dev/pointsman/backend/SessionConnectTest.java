package dev.pointsman.backend;

import static dev.pointsman.backend.EmbeddedSession.ascii;
import static dev.pointsman.backend.EmbeddedSession.written;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import dev.pointsman.backend.EmbeddedSession.Connect;
import org.junit.jupiter.api.Test;

/** From a granted slot to a connected server: retries, redispatch, back to the queue, sockets that cannot be made. */
class SessionConnectTest {
    @org.junit.jupiter.api.AfterEach
    void closeWhatTheTestLeftOpen() {
        EmbeddedSession.closeAll();
    }


    @Test
    void aServerGoingDownWhileBeingConnectedSendsTheSessionBackToTheQueueForTheNext() {
        // README difference 3
        EmbeddedSession t = new EmbeddedSession().plan(Connect.HOLD).start();
        EmbeddedSession.Peer toA = t.lastServer();
        t.backend.setOpState(t.server("a"), Server.OpState.DOWN);

        toA.pendingConnect.setSuccess();
        t.settle();

        assertThat(toA.isOpen()).isFalse();
        assertThat(t.servers).hasSize(2);
        assertThat(t.lastServer().connectedTo).isEqualTo(t.server("b").config().address());
        assertThat(t.client.isOpen()).isTrue();
        assertThat(t.records).isEmpty();
        assertThat(t.backend.sessions()).isEqualTo(1);
        assertThat(t.server("a").sessions()).isZero();
        assertThat(t.server("b").sessions()).isEqualTo(1);
        t.client.writeInbound(ascii("hello"));
        assertThat(written(t.lastServer())).isEqualTo("hello");
        t.client.close();
        assertThat(t.record().server()).isEqualTo("b");
        assertThat(t.record().termination()).isEqualTo("--");
        assertThat(t.backend.sessions()).isZero();
        assertThat(t.server("b").sessions()).isZero();
    }

    @Test
    void aSocketThatCannotBeMadeOnAScheduledRetryEndsTheSessionAndGivesTheSlotBack() {
        // EMFILE on the retry: the exception must not be lost in the event loop with the slot held
        EmbeddedSession t = new EmbeddedSession();
        t.config.server(EmbeddedSession.serverAt("only", 15434));
        t.retries = 1;
        t.backend().setOpState(t.server("a"), Server.OpState.DOWN);
        t.backend().setOpState(t.server("b"), Server.OpState.DOWN);
        t.plan(Connect.REFUSE, Connect.SOCKET_FAILS).start();
        assertThat(t.records).isEmpty();

        t.tick(1000);

        assertThat(t.client.isOpen()).isFalse();
        assertThat(t.record().termination()).isEqualTo("RC");
        assertThat(t.record().retries()).isEqualTo(1);
        assertThat(t.backend.sessions()).isZero();
        assertThat(t.server("only").sessions()).isZero();
        // the refusal is the server's; a socket the proxy cannot make is not
        assertThat(t.connectFailures).hasSize(1);
        assertThat(t.backend.counters().connectErrors.sum()).isEqualTo(1);
    }

    @Test
    void aGrantFromTheQueueWhoseSocketCannotBeMadeEndsTheSessionAndGivesTheSlotBack() {
        EmbeddedSession t = new EmbeddedSession();
        t.backend().setOpState(t.server("a"), Server.OpState.DOWN);
        t.backend().setOpState(t.server("b"), Server.OpState.DOWN);
        t.plan(Connect.SOCKET_FAILS).start();
        assertThat(t.backend.queued()).isEqualTo(1);

        assertThatCode(() -> t.backend.setOpState(t.server("a"), Server.OpState.UP)).doesNotThrowAnyException();
        t.settle();

        assertThat(t.client.isOpen()).isFalse();
        assertThat(t.record().termination()).isEqualTo("RC");
        assertThat(t.record().server()).isEqualTo("a");
        assertThat(t.backend.sessions()).isZero();
        assertThat(t.server("a").sessions()).isZero();
        assertThat(t.connectFailures).isEmpty();
        assertThat(t.server("a").usable()).isTrue();
    }

    @Test
    void aSocketThatCannotBeMadeIsRetriedLikeAFailedConnect() {
        EmbeddedSession t = new EmbeddedSession();
        t.retries = 2;
        t.plan(Connect.SOCKET_FAILS).start();

        t.tick(1000);

        assertThat(t.servers).hasSize(1);
        assertThat(t.client.isOpen()).isTrue();
        assertThat(t.records).isEmpty();
        t.client.writeInbound(ascii("x"));
        assertThat(written(t.lastServer())).isEqualTo("x");
        assertThat(t.backend.sessions()).isEqualTo(1);
    }

    @Test
    void aConnectTimeoutAfterTheRetriesEndsWith_sC() {
        EmbeddedSession t = new EmbeddedSession();
        t.retries = 1;
        t.plan(Connect.TIME_OUT, Connect.TIME_OUT).start();

        t.tick(1000);

        assertThat(t.record().termination()).isEqualTo("sC");
        assertThat(t.backend.sessions()).isZero();
    }

    @Test
    void aClientLeavingWhileItsServerIsBeingConnectedDropsThatConnectAtOnce() {
        EmbeddedSession t = new EmbeddedSession().plan(Connect.HOLD).start();
        EmbeddedSession.Peer connecting = t.lastServer();

        t.client.close();

        assertThat(connecting.isOpen()).isFalse();
        assertThat(t.records).hasSize(1);
        assertThat(t.backend.sessions()).isZero();
        assertThat(t.server("a").sessions()).isZero();
    }

    @Test
    void requeuesAndReplaysKeepWhatIsLeftOfTheQueueBudget() {
        EmbeddedSession t = new EmbeddedSession().plan(Connect.HOLD).start();
        Session session = t.session();
        assertThat(session.queueBudgetNanos()).isEqualTo(Long.MIN_VALUE);
        session.queueBudgetNanos(12345L);
        t.backend.setOpState(t.server("a"), Server.OpState.DOWN);

        t.servers.get(0).pendingConnect.setSuccess(); // requeued, then connected to b
        t.settle();
        t.lastServer().close(); // dropped before anything was said: replayed elsewhere
        t.settle();

        assertThat(t.servers).hasSize(3);
        assertThat(session.queueBudgetNanos()).isEqualTo(12345L);
    }
}
