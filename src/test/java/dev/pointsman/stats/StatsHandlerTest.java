package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Config;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A stats connection's pipeline as the listener builds it, its pages rendered when the test says. */
class StatsHandlerTest {
    final Queue<Runnable> renders = new ArrayDeque<>();
    final AtomicLong clock = new AtomicLong(1_000_000_000L);
    final StatsServer server;
    final ListenerCounters counters;
    final EmbeddedChannel ch = new EmbeddedChannel();

    StatsHandlerTest() throws Exception {
        Config config = BareStatsListener.config("    maxconn 50\n", "");
        Stats stats = new Stats(config, Map.of(), List.of(), PatroniView.NONE, clock::get);
        server = new StatsServer(config.proxies().get(0), stats, 10);
        counters = stats.listenerCounters("stats").orElseThrow();
        ch.freezeTime();
        server.serve(ch, renders::add);
    }

    @AfterEach
    void close() {
        ch.finishAndReleaseAll();
        server.close();
    }

    @Test
    void pageQueuedForAClientThatHasGoneIsNotRendered() {
        // Given a complete request whose page waits for the renderer
        ch.writeInbound(ascii("GET /;csv HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(renders).hasSize(1);

        // When the client goes before the renderer gets to it
        ch.close();
        renders.remove().run();
        ch.runPendingTasks();

        // Then nothing was rendered or written
        assertThat(counters.intercepted.sum()).isZero();
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void pageQueuedForAClientStillThereIsRenderedAndSent() {
        ch.writeInbound(ascii("GET /;csv HTTP/1.1\r\nHost: x\r\n\r\n"));

        renders.remove().run();
        ch.runPendingTasks();

        assertThat(counters.intercepted.sum()).isEqualTo(1);
        ByteBuf head = ch.readOutbound();
        try {
            assertThat(head.toString(StandardCharsets.US_ASCII)).startsWith("HTTP/1.1 200 OK\r\n");
        } finally {
            head.release();
        }
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void pagesRenderedWithinAHundredMillisecondsShareOneCollection() {
        // Given a CSV rendered once
        String first = server.csv();

        // When the listener's counters move and another page is rendered 99 ms later
        counters.bytesIn.add(123_456_789);
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(99));
        String second = server.csv();

        // Then it is rendered from the same collection; 100 ms after the first, from a new one
        assertThat(second).isEqualTo(first).doesNotContain("123456789");
        clock.addAndGet(TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(server.csv()).contains("123456789");
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }
}
