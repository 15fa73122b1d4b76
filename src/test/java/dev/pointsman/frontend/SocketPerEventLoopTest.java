package dev.pointsman.frontend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static dev.pointsman.frontend.ConnectionLimitTest.answersWithin;
import static dev.pointsman.frontend.ConnectionLimitTest.roundTrip;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pointsman.config.Bind;
import dev.pointsman.net.Transport;
import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each bound address listens once per event loop (SO_REUSEPORT, as HAProxy sets it) on the Linux
 * transports: a session stays on the loop whose socket accepted it, and maxconn, reload and stop
 * treat the sockets of an address as one.
 */
class SocketPerEventLoopTest {

    @BeforeEach
    void linuxTransport() {
        assumeTrue(Transport.best().reusePort().isPresent(), "SO_REUSEPORT needs epoll or io_uring");
    }

    /** Records each connection a listening socket accepts, before the frontend sees it. */
    private static final class Accepted extends ChannelInboundHandlerAdapter {
        private final List<Channel> children;

        Accepted(List<Channel> children) {
            this.children = children;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object child) {
            children.add((Channel) child);
            ctx.fireChannelRead(child);
        }
    }

    private static List<Channel> recordAccepted(ProxyHarness proxy) throws Exception {
        List<Channel> children = new CopyOnWriteArrayList<>();
        for (Listener l : proxy.frontend.listeners()) {
            l.channel().pipeline().addFirst(new Accepted(children));
            // added from this thread: it sees connections once its loop has run handlerAdded
            l.channel().eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        }
        return children;
    }

    /** The accepted channel of the client {@code s} (matched by its port), once accepted. */
    private static Channel acceptedOf(List<Channel> children, Socket s) {
        return await().atMost(Duration.ofSeconds(5)).until(() -> children.stream()
                .filter(c -> ((InetSocketAddress) c.remoteAddress()).getPort() == s.getLocalPort())
                .findFirst(), Optional::isPresent).orElseThrow();
    }

    /** A proxy to {@code echo} with the defaults: 127.0.0.1:0, two event loops. */
    private static ProxyHarness proxyTo(TestServer echo) throws Exception {
        return ProxyHarness.start(listen("db").server(server("s1", echo.address())).build());
    }

    private static List<Channel> sockets(Frontend f) {
        return f.listeners().stream().map(Listener::channel).toList();
    }

    /** The sockets of a frontend with one address over two loops, checked to be one per loop on one address. */
    private static List<Channel> onePerLoop(Frontend f) {
        List<Channel> all = sockets(f);
        assertThat(all).hasSize(2);
        assertThat(all.stream().map(Channel::eventLoop).distinct()).hasSize(2);
        assertThat(f.boundAddresses()).hasSize(1);
        return all;
    }

    @Test
    void sessionsAreAcceptedOnEveryLoopAndStayOnTheLoopThatAcceptedThem() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = proxyTo(echo)) {
            List<Channel> accepted = recordAccepted(proxy);
            // When 32 clients come one after the other (the kernel spreads them by their ports)
            for (int i = 0; i < 32; i++) {
                try (Socket s = proxy.connect()) {
                    assertThat(roundTrip(s, "x")).isEqualTo("x");
                }
            }
            // Then both loops accepted some, and each session's channel runs on its listening socket's loop
            await().until(() -> accepted.size() == 32);
            assertThat(accepted).allSatisfy(c -> assertThat(c.eventLoop())
                    .as("the loop of a session accepted on another loop's socket").isSameAs(c.parent().eventLoop()));
            assertThat(accepted.stream().map(c -> c.parent().eventLoop()).distinct())
                    .as("loops that accepted").hasSize(2);
        }
    }

    @Test
    void maxconnHoldsAcrossTheSocketsOfAnAddress() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).maxconn(2)
                     .backlog(16).build())) {
            List<Channel> accepted = recordAccepted(proxy);
            // Given two sessions, one on each socket (a client landing on the first one's socket is sent away)
            Socket first = proxy.connect();
            assertThat(roundTrip(first, "a")).isEqualTo("a");
            Channel firstSocket = acceptedOf(accepted, first).parent();
            Socket second = null;
            for (int attempt = 0; attempt < 64 && second == null; attempt++) {
                Socket s = proxy.connect();
                assertThat(roundTrip(s, "b")).isEqualTo("b");
                if (acceptedOf(accepted, s).parent() != firstSocket) {
                    second = s;
                } else {
                    s.close();
                    await().until(() -> proxy.frontend.feconn() == 1);
                }
            }
            assertThat(second).as("a client accepted on the other socket in 64 tries").isNotNull();
            // When eight more clients come, spread by the kernel over both sockets
            List<Socket> more = new ArrayList<>();
            try {
                for (int i = 0; i < 8; i++) {
                    Socket s = proxy.connect();
                    s.getOutputStream().write('c');
                    more.add(s);
                }
                // Then none is served while both sessions last
                for (Socket s : more) {
                    assertThat(answersWithin(s, 100)).isFalse();
                }
                assertThat(proxy.frontend.feconn()).isEqualTo(2);
                // And when one session ends, one more client is served: never a third session at once
                long before = proxy.frontend.total.sum();
                first.close();
                await().atMost(Duration.ofSeconds(5)).until(() -> proxy.frontend.total.sum() == before + 1);
                int served = 0;
                for (Socket s : more) {
                    served += answersWithin(s, 200) ? 1 : 0;
                }
                assertThat(served).isEqualTo(1);
                assertThat(proxy.frontend.maxSessions()).isEqualTo(2);
            } finally {
                for (Socket s : more) {
                    s.close();
                }
                second.close();
            }
            await().untilAsserted(() -> assertThat(proxy.gate.actconn()).isZero());
        }
    }

    @Test
    void aReloadBindsAnAddedAddressOnEverySocketAndClosesThemAllWhenItIsDropped() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = proxyTo(echo)) {
            // Given an address bound once per loop
            List<Channel> kept = onePerLoop(proxy.frontend);
            // When a reload adds an address on port 0
            Bind.Address added = new Bind.Address(Optional.of("127.0.0.1"), 0);
            proxy.frontend.listen(proxy.frontend.config(), List.of(added));
            // Then it is bound twice on one port, serves, and the kept sockets stay as they were
            assertThat(sockets(proxy.frontend)).hasSize(4).containsAll(kept);
            assertThat(proxy.frontend.boundAddresses()).hasSize(2);
            int port = proxy.frontend.boundAddresses().get(1).getPort();
            List<Channel> addedSockets = sockets(proxy.frontend).stream().filter(c -> !kept.contains(c)).toList();
            assertThat(addedSockets).extracting(c -> ((InetSocketAddress) c.localAddress()).getPort())
                    .containsExactly(port, port);
            try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
                assertThat(roundTrip(s, "n")).isEqualTo("n");
            }
            // When a reload drops it again
            assertThat(proxy.frontend.unlisten(List.of(added))).containsExactly(added);
            // Then both its sockets are closed and the kept ones still serve
            assertThat(addedSockets).noneMatch(Channel::isOpen);
            assertThat(sockets(proxy.frontend)).containsExactlyElementsOf(kept).allMatch(Channel::isOpen);
            assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                    .isInstanceOf(ConnectException.class);
            try (Socket s = proxy.connect()) {
                assertThat(roundTrip(s, "k")).isEqualTo("k");
            }
        }
    }

    @Test
    void anAddressHeldByASocketWithoutReusePortFailsAndUndoesTheAddressesBoundBefore() throws Exception {
        try (TestServer echo = TestServer.echo();
             ServerSocket other = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
             ProxyHarness proxy = proxyTo(echo)) {
            List<Channel> kept = sockets(proxy.frontend);
            // When a reload adds a free address and one another process listens on (without SO_REUSEPORT)
            List<Bind.Address> added = List.of(new Bind.Address(Optional.of("127.0.0.1"), 0),
                    new Bind.Address(Optional.of("127.0.0.1"), other.getLocalPort()));
            // Then it fails as before, naming the port, and what it had bound is closed again
            assertThatThrownBy(() -> proxy.frontend.listen(proxy.frontend.config(), added))
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("cannot bind 127.0.0.1:" + other.getLocalPort())
                    .hasMessageContaining("(is another process listening there?)");
            assertThat(sockets(proxy.frontend)).containsExactlyElementsOf(kept);
            assertThat(proxy.frontend.boundAddresses()).hasSize(1);
        }
    }

    @Test
    void anAddressAnotherSectionListensOnUnderAnotherSpellingIsRefusedAsBefore() throws Exception {
        assumeTrue(InetAddress.getByName("localhost").getHostAddress().equals("127.0.0.1"), "localhost is 127.0.0.1");
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(2, "test-two-sections");
        try (TestServer echo = TestServer.echo()) {
            // Given two sections of one process, the first listening on 127.0.0.1:P
            ConnectionGate gate = new ConnectionGate(100);
            Frontend a = ListenerReconcileTest.frontend(listen("a").server(server("s1", echo.address())).build(), gate,
                    transport, group);
            Frontend b = ListenerReconcileTest.frontend(listen("b").server(server("s1", echo.address())).build(), gate,
                    transport, group);
            int port = a.boundAddresses().get(0).getPort();
            List<Channel> before = sockets(b);
            // When the second binds localhost:P (SO_REUSEPORT on both would let the kernel share the port)
            assertThatThrownBy(() -> b.listen(b.config(), List.of(new Bind.Address(Optional.of("localhost"), port))))
                    // Then it is refused, as when each address had one socket, and nothing of it stays
                    .isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("'b': cannot bind localhost:" + port + ": section 'a' listens there");
            assertThat(sockets(b)).containsExactlyElementsOf(before);
            assertThat(b.boundAddresses()).extracting(InetSocketAddress::getPort).doesNotContain(port);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @ParameterizedTest(name = "{0}, reuseport {1}")
    @CsvSource({"best, false", "nio, true"})
    void noreuseportAndNioBindEachAddressOnce(String transport, boolean reusePort) throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).build(),
                     transport.equals("nio") ? Transport.nio() : Transport.best(), reusePort)) {
            assertThat(sockets(proxy.frontend)).hasSize(1);
            try (Socket s = proxy.connect()) {
                assertThat(roundTrip(s, "x")).isEqualTo("x");
            }
        }
    }

    @Test
    void stoppingClosesEverySocket() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = proxyTo(echo)) {
            List<Channel> all = onePerLoop(proxy.frontend);
            // When the frontend stops accepting (soft stop)
            proxy.frontend.stopAccepting();
            // Then every socket is closed and a new client is refused
            assertThat(all).noneMatch(Channel::isOpen);
            assertThatThrownBy(() -> proxy.connect().close()).isInstanceOf(ConnectException.class);
        }
    }
}
