package dev.pointsman.backend;

import static dev.pointsman.backend.EmbeddedSession.ascii;
import static dev.pointsman.backend.EmbeddedSession.fin;
import static dev.pointsman.backend.EmbeddedSession.writtenBytes;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a session ends: timeouts close at once, a normal end flushes but never waits unbounded on a peer that does not read. */
class SessionCloseTest {
    @org.junit.jupiter.api.AfterEach
    void closeWhatTheTestLeftOpen() {
        EmbeddedSession.closeAll();
    }

    private static final long MINUTE = 60_000;

    /** Sends {@code n} chunks of 16 KiB from the server; returns them (the test keeps track of their refCnt). */
    private static List<ByteBuf> serverSends(EmbeddedSession t, int n) {
        List<ByteBuf> sent = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ByteBuf b = Unpooled.wrappedBuffer(new byte[16 * 1024]);
            sent.add(b);
            t.lastServer().writeInbound(b);
        }
        return sent;
    }

    @Test
    void timeoutClientClosesAClientThatStoppedReadingAtOnce() {
        EmbeddedSession t = new EmbeddedSession();
        t.clientMillis = 2000;
        t.serverMillis = 30 * MINUTE;
        t.start();
        t.client.stall();
        List<ByteBuf> sent = serverSends(t, 8); // 128 KiB: above the client channel's high watermark
        assertThat(t.client.isWritable()).isFalse();
        assertThat(t.client.pendingBytes()).isGreaterThan(0);

        t.tick(2000);

        assertThat(t.record().termination()).isEqualTo("cD");
        assertThat(t.client.isOpen()).isFalse();
        assertThat(t.lastServer().isOpen()).isFalse();
        assertThat(sent).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void timeoutServerClosesAServerThatStoppedReadingAtOnce() {
        EmbeddedSession t = new EmbeddedSession();
        t.clientMillis = 30 * MINUTE;
        t.serverMillis = 2000;
        t.start();
        t.lastServer().stall();
        for (int i = 0; i < 8; i++) {
            t.client.writeInbound(Unpooled.wrappedBuffer(new byte[16 * 1024]));
        }

        t.tick(2000);

        assertThat(t.record().termination()).isEqualTo("sD");
        assertThat(t.lastServer().isOpen()).isFalse();
        assertThat(t.client.isOpen()).isFalse();
    }

    @Test
    void aNormalEndWaitsForAClientThatDoesNotReadNoLongerThanTimeoutClient() {
        // the client sent its request and FIN, never reads; the server answers and closes
        EmbeddedSession t = new EmbeddedSession();
        t.clientMillis = 5000;
        t.serverMillis = 30 * MINUTE;
        t.start();
        t.client.stall();
        t.client.writeInbound(ascii("SELECT"));
        fin(t.client);
        List<ByteBuf> sent = serverSends(t, 3);
        fin(t.lastServer());
        assertThat(t.record().termination()).isEqualTo("--");
        assertThat(t.client.isOpen()).as("what is pending may still go").isTrue();

        t.tick(4999);
        assertThat(t.client.isOpen()).isTrue();
        t.tick(1);

        assertThat(t.client.isOpen()).isFalse();
        assertThat(sent).allSatisfy(b -> assertThat(b.refCnt()).isZero());
    }

    @Test
    void aNormalEndStillDeliversWhatIsPendingToAClientThatReads() {
        EmbeddedSession t = new EmbeddedSession();
        t.clientMillis = 5000;
        t.start();
        t.client.stall();
        fin(t.client);
        serverSends(t, 3);
        fin(t.lastServer());

        t.tick(3000);
        t.client.resume();

        assertThat(writtenBytes(t.client)).isEqualTo(3 * 16 * 1024);
        assertThat(t.client.isOpen()).isFalse();
    }

    @Test
    void withoutAnyTimeoutAnEndingSessionStillStopsWaitingForAPeerThatDoesNotRead() {
        EmbeddedSession t = new EmbeddedSession().start();
        t.client.stall();
        fin(t.client);
        serverSends(t, 3);
        fin(t.lastServer());

        t.tick(SessionChannels.LINGER_WITHOUT_TIMEOUT_MILLIS);

        assertThat(t.client.isOpen()).isFalse();
    }

    @Test
    void timeoutClientFinEndsTheSessionThatLongAfterTheClientsFin() {
        EmbeddedSession t = new EmbeddedSession();
        t.clientMillis = 30 * MINUTE;
        t.serverMillis = 30 * MINUTE;
        t.clientFinMillis = 1000;
        t.start();
        t.tick(10_000);
        fin(t.client);

        t.tick(999);
        assertThat(t.records).isEmpty();
        t.tick(1);

        assertThat(t.record().termination()).isEqualTo("cD");
        assertThat(t.client.isOpen()).isFalse();
    }

    @Test
    void timeoutServerFinEndsTheSessionThatLongAfterTheServersFin() {
        EmbeddedSession t = new EmbeddedSession();
        t.clientMillis = 30 * MINUTE;
        t.serverMillis = 30 * MINUTE;
        t.serverFinMillis = 1000;
        t.start();
        t.client.writeInbound(ascii("x"));
        t.lastServer().writeInbound(ascii("y"));
        fin(t.lastServer());
        assertThat(t.client.outputShutdown).isTrue();

        t.tick(1000);

        assertThat(t.record().termination()).isEqualTo("sD");
    }
}
