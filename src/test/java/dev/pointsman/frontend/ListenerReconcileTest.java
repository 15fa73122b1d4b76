package dev.pointsman.frontend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pointsman.backend.Backend;
import dev.pointsman.backend.SessionPolicy;
import dev.pointsman.config.Proxy;
import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import dev.pointsman.net.Transport;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * The maxconn pause and resume against sessions that start and end on other event loops: whatever
 * the interleaving, the listener accepts exactly when the counts allow it once the wakes have run.
 */
class ListenerReconcileTest {

    /** Runs every task queued so far on the event loop of each of the frontend's sockets, then returns. */
    private static void drain(Frontend frontend) throws Exception {
        for (Listener listener : frontend.listeners()) {
            listener.channel().eventLoop().submit(() -> { }).get(5, TimeUnit.SECONDS);
        }
    }

    /** Holds the listener's event loop until the latch opens, so wakes queue up behind it. */
    private static CountDownLatch hold(Listener listener) throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch held = new CountDownLatch(1);
        listener.channel().eventLoop().execute(() -> {
            held.countDown();
            try {
                release.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        assertThat(held.await(5, TimeUnit.SECONDS)).isTrue();
        return release;
    }

    @Test
    void aSessionEndingBeforeThePauseIsAppliedLeavesTheListenerAccepting() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).maxconn(2).build())) {
            Frontend frontend = proxy.frontend;
            Listener listener = frontend.listeners().get(0);
            // Given the listener's event loop busy while the frontend reaches maxconn on another thread
            CountDownLatch release = hold(listener);
            frontend.enter();
            frontend.enter();
            // When a session ends before the listener has paused (main: the resume saw 'not paused yet'
            // and did nothing, then the pause applied, and the port stayed dead with 1 session of 2)
            frontend.leave();
            release.countDown();
            drain(frontend);
            // Then the listener accepts
            assertThat(frontend.feconn()).isEqualTo(1);
            assertThat(frontend.listening()).isTrue();
            frontend.leave();
        }
    }

    @Test
    void reachingMaxconnAgainBeforeTheResumeIsAppliedKeepsTheListenerPaused() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).maxconn(2).build())) {
            Frontend frontend = proxy.frontend;
            Listener listener = frontend.listeners().get(0);
            frontend.enter();
            frontend.enter();
            drain(frontend);
            assertThat(frontend.listening()).isFalse();
            // Given the listener's event loop busy while a session ends and another starts
            CountDownLatch release = hold(listener);
            frontend.leave();
            frontend.enter();
            release.countDown();
            drain(frontend);
            // Then the listener stays paused at maxconn, and resumes when a session ends
            assertThat(frontend.listening()).isFalse();
            frontend.leave();
            drain(frontend);
            assertThat(frontend.listening()).isTrue();
            frontend.leave();
        }
    }

    @Test
    void sessionsStartingAndEndingOnTwoThreadsAtMaxconnNeverLeaveTheListenerWrong() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).maxconn(2).build())) {
            Frontend frontend = proxy.frontend;
            frontend.enter(); // one session stays: every enter below reaches maxconn, every leave leaves it
            for (int round = 0; round < 20; round++) {
                CountDownLatch start = new CountDownLatch(1);
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 2; t++) {
                    Thread thread = new Thread(() -> {
                        try {
                            start.await();
                        } catch (InterruptedException e) {
                            return;
                        }
                        for (int i = 0; i < 2_000; i++) {
                            if (frontend.enter()) { // the other thread may hold the last slot
                                frontend.leave();
                            }
                        }
                    });
                    thread.start();
                    threads.add(thread);
                }
                start.countDown();
                for (Thread thread : threads) {
                    thread.join(10_000);
                }
                drain(frontend);
                assertThat(frontend.feconn()).isEqualTo(1);
                assertThat(frontend.listening()).as("round %d: 1 session of 2", round).isTrue();
                frontend.enter();
                drain(frontend);
                assertThat(frontend.listening()).as("round %d: 2 sessions of 2", round).isFalse();
                frontend.leave();
            }
            frontend.leave();
        }
    }

    @Test
    void theProcessLimitPausesEveryFrontendAndLeavingItResumesThemAll() throws Exception {
        Transport transport = Transport.best();
        EventLoopGroup group = transport.newGroup(2, "test-gate");
        try (TestServer echo = TestServer.echo()) {
            ConnectionGate gate = new ConnectionGate(2);
            Frontend a = frontend(listen("a").server(server("s1", echo.address())).build(), gate, transport, group);
            Frontend b = frontend(listen("b").server(server("s1", echo.address())).build(), gate, transport, group);
            // When the process reaches global maxconn through frontend a alone
            a.enter();
            a.enter();
            drain(a);
            drain(b);
            // Then b stops accepting too, and both accept again when a session ends
            assertThat(a.listening()).isFalse();
            assertThat(b.listening()).isFalse();
            a.leave();
            drain(a);
            drain(b);
            assertThat(a.listening()).isTrue();
            assertThat(b.listening()).isTrue();
            a.leave();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    static Frontend frontend(Proxy proxy, ConnectionGate gate, Transport transport, EventLoopGroup group)
            throws BindFailedException {
        Frontend f = new Frontend(proxy, new Backend(proxy, System::nanoTime, group.next()),
                SessionPolicy.of(proxy, proxy, transport.socketChannel(), r -> { }), gate);
        f.bind(transport, group, true);
        return f;
    }

    @Test
    void anAcceptErrorIsLoggedNamingItsCausePausesTheListenerBrieflyAndItServesAgain() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger("pointsman");
        logger.addAppender(logs);
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address())).build())) {
            Listener listener = proxy.frontend.listeners().get(0);
            EventLoop loop = listener.channel().eventLoop();
            // When accepts fail as they do when the process is out of descriptors
            CountDownLatch release = hold(listener);
            for (int i = 0; i < 3; i++) {
                listener.channel().pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
            }
            boolean[] acceptingAfterError = new boolean[1];
            loop.execute(() -> acceptingAfterError[0] = listener.accepting());
            release.countDown();
            drain(proxy.frontend);
            // Then the listener stops accepting, one line names the cause and the limit, the port stays open
            assertThat(acceptingAfterError[0]).isFalse();
            assertThat(listener.channel().isOpen()).isTrue();
            assertThat(logs.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                    .contains("Proxy db cannot accept on", "Too many open files", "not accepting there for 100 ms",
                            "raise 'ulimit -n'"));
            // And it accepts again by itself and serves
            await().atMost(Duration.ofSeconds(5)).until(listener::accepting);
            try (Socket s = proxy.connect()) {
                s.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
                assertThat(new String(s.getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("hi");
            }
        } finally {
            logger.detachAppender(logs);
        }
    }
}
