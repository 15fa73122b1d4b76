package dev.pointsman.frontend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.SessionPolicy;
import dev.pointsman.config.Bind;
import dev.pointsman.config.Proxy;
import dev.pointsman.net.Transport;
import dev.pointsman.testing.TestServer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * A reload that gives a section an address another section listens on (under another spelling)
 * is refused before the address is bound: with SO_REUSEPORT the kernel would let the second
 * section's sockets share the port, and whatever they accepted until the refusal would be served
 * by the wrong section's backend (or reset when they close).
 */
class AddressOfAnotherSectionTest {

    @Test
    void clientsOfASectionAreNeverAcceptedByAnotherSectionRefusedTheirAddress() throws Exception {
        assumeTrue(Transport.best().reusePort().isPresent(), "SO_REUSEPORT needs epoll or io_uring");
        assumeTrue(InetAddress.getByName("localhost").getHostAddress().equals("127.0.0.1"), "localhost is 127.0.0.1");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(2, "test-taken");
        List<Socket> clients = new ArrayList<>();
        try (TestServer echo = TestServer.echo()) {
            // Given two sections of one process, the first listening on 127.0.0.1:P
            ConnectionGate gate = new ConnectionGate(100);
            Proxy third = listen("c").server(server("s1", echo.address())).build();
            Frontend c = new Frontend(third, new Backend(third, System::nanoTime, group.next()),
                    SessionPolicy.of(third, third, transport.socketChannel(), r -> { }), gate);
            Frontend a = ListenerReconcileTest.frontend(listen("a").server(server("s1", echo.address())).build(), gate,
                    transport, group);
            Frontend b = ListenerReconcileTest.frontend(listen("b").server(server("s1", echo.address())).build(), gate,
                    transport, group);
            int port = a.boundAddresses().get(0).getPort();
            // And clients of the first section that come while the second one's reload checks the address
            // (a third section's socket whose address that check reads first brings them)
            AtomicBoolean armed = new AtomicBoolean();
            AtomicBoolean came = new AtomicBoolean();
            EmbeddedChannel clientsComing = new EmbeddedChannel() {
                @Override
                public SocketAddress localAddress() {
                    if (armed.get() && came.compareAndSet(false, true)) {
                        try {
                            for (int i = 0; i < 16; i++) {
                                clients.add(new Socket(InetAddress.getLoopbackAddress(), port));
                            }
                        } catch (IOException e) {
                            throw new UncheckedIOException(e);
                        }
                        await().atMost(Duration.ofSeconds(5)).until(() -> a.total.sum() + b.total.sum() == 16);
                    }
                    return new InetSocketAddress(InetAddress.getLoopbackAddress(), 1);
                }
            };
            c.listeners().add(new Listener(clientsComing, () -> true));
            armed.set(true);
            // When the second section is given localhost:P
            assertThatThrownBy(() -> b.listen(b.config(), List.of(new Bind.Address(Optional.of("localhost"), port))))
                    // Then it is refused, and every client went to the first section
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("section 'a' listens there");
            assertThat(came).isTrue();
            assertThat(b.total.sum()).as("clients of section a accepted by section b").isZero();
            assertThat(a.total.sum()).isEqualTo(16);
            clientsComing.finishAndReleaseAll();
        } finally {
            for (Socket s : clients) {
                s.close();
            }
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }
}
