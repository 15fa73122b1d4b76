package dev.pointsman.backend;

import static dev.pointsman.backend.EmbeddedSession.ascii;
import static dev.pointsman.backend.EmbeddedSession.written;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.EmbeddedSession.Connect;
import org.junit.jupiter.api.Test;

/** From a granted slot to a connected server: retries, redispatch, back to the queue, sockets that cannot be made. */
class SessionConnectTest {

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
    void aConnectTimeoutAfterTheRetriesEndsWith_sC() {
        EmbeddedSession t = new EmbeddedSession();
        t.retries = 1;
        t.plan(Connect.TIME_OUT, Connect.TIME_OUT).start();

        t.tick(1000);

        assertThat(t.record().termination()).isEqualTo("sC");
        assertThat(t.backend.sessions()).isZero();
    }

    @Test
    void requeuesAndReplaysKeepTheDeadlineOfTheWholeWait() {
        EmbeddedSession t = new EmbeddedSession().plan(Connect.HOLD).start();
        Session session = t.session();
        assertThat(session.queueDeadlineNanos()).isEqualTo(Long.MIN_VALUE);
        session.queueDeadlineNanos(12345L);
        t.backend.setOpState(t.server("a"), Server.OpState.DOWN);

        t.servers.get(0).pendingConnect.setSuccess(); // requeued, then connected to b
        t.settle();
        t.lastServer().close(); // dropped before anything was said: replayed elsewhere
        t.settle();

        assertThat(t.servers).hasSize(3);
        assertThat(session.queueDeadlineNanos()).isEqualTo(12345L);
    }
}
