package dev.pointsman.backend;

import static dev.pointsman.backend.EmbeddedSession.ascii;
import static dev.pointsman.backend.EmbeddedSession.fin;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** How a session ends: timeouts close at once, a normal end flushes but never waits unbounded on a peer that does not read. */
class SessionCloseTest {
    private static final long MINUTE = 60_000;

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
