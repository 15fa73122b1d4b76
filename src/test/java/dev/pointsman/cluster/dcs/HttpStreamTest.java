package dev.pointsman.cluster.dcs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.testing.NoSocket;
import io.netty.channel.DefaultEventLoop;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The etcd gateway's HTTP stream when the process has no descriptor left. */
class HttpStreamTest {

    @Test
    void aSocketThatCannotBeMadeFailsTheStreamOnItsLoopNamingTheCause() throws Exception {
        // Given descriptors have run out: no socket can be made
        EventLoop loop = new DefaultEventLoop();
        try {
            List<String> failures = new CopyOnWriteArrayList<>();
            AtomicBoolean onLoop = new AtomicBoolean();
            HttpStream.Sink sink = new HttpStream.Sink() {
                @Override
                public void line(String line) {
                }

                @Override
                public void end() {
                }

                @Override
                public void failed(String reason) {
                    onLoop.set(loop.inEventLoop());
                    failures.add(reason);
                }
            };
            // When the watch opens its stream
            loop.submit(() -> HttpStream.open(loop, NoSocket.class, new InetSocketAddress("127.0.0.1", 9),
                    "127.0.0.1:9", "/v3/watch", "{}", true, Duration.ofSeconds(1), sink)).sync();
            // Then the watch hears of it (and retries as after any outage), on its own loop
            await().atMost(Duration.ofSeconds(5)).until(() -> !failures.isEmpty());
            assertThat(failures).singleElement().asString().contains("Too many open files");
            assertThat(onLoop).isTrue();
        } finally {
            loop.shutdownGracefully(0, 100, TimeUnit.MILLISECONDS);
        }
    }
}
