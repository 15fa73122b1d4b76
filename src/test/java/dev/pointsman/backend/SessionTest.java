package dev.pointsman.backend;

import static dev.pointsman.backend.EmbeddedSession.ascii;
import static dev.pointsman.backend.EmbeddedSession.fin;
import static dev.pointsman.backend.EmbeddedSession.written;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.EmbeddedSession.Connect;
import io.netty.buffer.ByteBuf;
import org.junit.jupiter.api.Test;

/** The session's state machine on EmbeddedChannels: connect, relay, FINs, the end and its record. */
class SessionTest {
    @org.junit.jupiter.api.AfterEach
    void closeWhatTheTestLeftOpen() {
        EmbeddedSession.closeAll();
    }


    @Test
    void bytesGoBothWaysAndEachBufferIsHandedOverWhole() {
        EmbeddedSession t = new EmbeddedSession().start();
        ByteBuf ping = ascii("ping");
        ByteBuf pong = ascii("pong");

        t.client.writeInbound(ping);
        t.lastServer().writeInbound(pong);

        ByteBuf atServer = t.lastServer().readOutbound();
        ByteBuf atClient = t.client.readOutbound();
        assertThat(atServer).isSameAs(ping);
        assertThat(atClient).isSameAs(pong);
        assertThat(ping.refCnt()).isEqualTo(1);
        assertThat(pong.refCnt()).isEqualTo(1);
        atServer.release();
        atClient.release();
    }

    @Test
    void bothFinsEndTheSessionNormallyAndGiveTheSlotBack() {
        EmbeddedSession t = new EmbeddedSession().start();
        t.client.writeInbound(ascii("q"));
        t.lastServer().writeInbound(ascii("answer"));

        fin(t.client);
        assertThat(t.lastServer().outputShutdown).isTrue();
        fin(t.lastServer());

        assertThat(t.client.isOpen()).isFalse();
        assertThat(t.lastServer().isOpen()).isFalse();
        assertThat(t.record().termination()).isEqualTo("--");
        assertThat(t.record().server()).isEqualTo("a");
        assertThat(t.record().bytesFromClient()).isEqualTo(1);
        assertThat(t.record().bytesToClient()).isEqualTo(6);
        assertThat(t.backend.sessions()).isZero();
        assertThat(t.server("a").sessions()).isZero();
        assertThat(written(t.client)).isEqualTo("answer");
        assertThat(written(t.lastServer())).isEqualTo("q");
    }

    @Test
    void aRefusedConnectWithoutRetriesEndsWith_SC() {
        EmbeddedSession t = new EmbeddedSession().plan(Connect.REFUSE).start();

        assertThat(t.client.isOpen()).isFalse();
        assertThat(t.record().termination()).isEqualTo("SC");
        assertThat(t.backend.sessions()).isZero();
    }
}
