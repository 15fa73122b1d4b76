package dev.pointsman.frontend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.SessionPolicy;
import dev.pointsman.config.Proxy;
import dev.pointsman.net.Transport;
import dev.pointsman.testing.TestServer;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Connections accepted while no session slot was left, waiting in the sockets of one frontend on
 * several event loops: they wait without cost until a slot frees, and then one of them takes it.
 */
class WaitingConnectionsTest {

    private static Frontend frontend(Proxy proxy, ConnectionGate gate, Transport transport, EventLoopGroup group) {
        return new Frontend(proxy, new Backend(proxy, System::nanoTime, group.next()),
                SessionPolicy.of(proxy, proxy, transport.socketChannel(), r -> { }), gate);
    }

    private static int waiting(Listener l) throws Exception {
        return l.channel().eventLoop().submit(l::waiting).get(5, TimeUnit.SECONDS);
    }

    @Test
    void connectionsWaitingOnTwoLoopsAtTheProcessLimitDoNotWakeEachOtherOverAndOver() throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(2, "test-waiting");
        List<Channel> sockets = new ArrayList<>();
        try (TestServer echo = TestServer.echo()) {
            // Given a process limit of one session, held by another frontend's session
            ConnectionGate gate = new ConnectionGate(1);
            Frontend holder = frontend(listen("holder").server(server("s1", echo.address())).build(), gate, transport, group);
            Frontend f = frontend(listen("f").maxconn(1).server(server("s1", echo.address())).build(), gate, transport, group);
            assertThat(holder.enter()).isTrue();
            // And two sockets of f, one per loop, counting the slots they try to take
            AtomicInteger attempts = new AtomicInteger();
            List<Listener> listeners = new ArrayList<>();
            for (EventExecutor e : group) {
                Channel socket = transport.serverChannel().getDeclaredConstructor().newInstance();
                ((EventLoop) e).register(socket).sync();
                sockets.add(socket);
                Listener l = new Listener(socket, f::admits, () -> {
                    attempts.incrementAndGet();
                    return f.enter();
                });
                listeners.add(l);
                f.listeners().add(l);
            }
            // When each socket has accepted a connection that found no slot
            for (Listener l : listeners) {
                EmbeddedChannel child = new EmbeddedChannel();
                assertThat(l.channel().eventLoop().submit(() -> l.take(child)).get(5, TimeUnit.SECONDS)).isFalse();
            }
            // Then both wait, without trying again and again (each try woke the other loop's socket)
            await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(3))
                    .until(() -> attempts.get() <= 8);
            assertThat(waiting(listeners.get(0)) + waiting(listeners.get(1))).isEqualTo(2);
            assertThat(f.feconn()).isZero();
            // And when the held session ends, one of them takes the slot, the other waits on
            holder.leave();
            await().atMost(Duration.ofSeconds(5)).until(() -> f.feconn() == 1);
            await().atMost(Duration.ofSeconds(5))
                    .until(() -> waiting(listeners.get(0)) + waiting(listeners.get(1)) == 1);
            assertThat(gate.actconn()).isEqualTo(1);
        } finally {
            sockets.forEach(Channel::close);
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
