package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class QueueTest {

    private static String roundTrip(Socket s, String text) throws Exception {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    @Test
    void atMaxconnNewSessionsWaitAndAreDispatchedInArrivalOrder() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address()).maxconn(1))
                     .timeoutQueue(Duration.ofSeconds(10)).build())) {
            Socket first = proxy.connect();
            assertThat(roundTrip(first, "a")).isEqualTo("a");
            List<Socket> waiting = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = proxy.connect();
                s.getOutputStream().write(("w" + i).getBytes(StandardCharsets.US_ASCII));
                waiting.add(s);
                int expected = i + 1;
                await().untilAsserted(() -> assertThat(proxy.backend.queued()).isEqualTo(expected));
            }
            assertThat(echo.accepted.get()).isEqualTo(1);

            first.close();
            // the oldest waiter gets the slot; the others still wait
            assertThat(new String(waiting.get(0).getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("w0");
            assertThat(proxy.backend.queued()).isEqualTo(2);
            waiting.get(0).close();
            assertThat(new String(waiting.get(1).getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("w1");
            waiting.get(1).close();
            assertThat(new String(waiting.get(2).getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("w2");
            waiting.get(2).close();
            assertThat(proxy.backend.maxQueued()).isEqualTo(3);
            assertThat(proxy.backend.server("s1").orElseThrow().maxSessions()).isEqualTo(1);
        }
    }

    @Test
    void aSessionWaitingLongerThanTimeoutQueueIsClosedWith_sQ() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address()).maxconn(1))
                     .timeoutQueue(Duration.ofMillis(300)).build());
             Socket first = proxy.connect()) {
            assertThat(roundTrip(first, "a")).isEqualTo("a");
            try (Socket late = proxy.connect()) {
                long start = System.nanoTime();

                assertThat(late.getInputStream().read()).isEqualTo(-1);

                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
                await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
                assertThat(proxy.lastRecord().termination()).isEqualTo("sQ");
                assertThat(proxy.lastRecord().server()).isEqualTo("<NOSRV>");
            }
        }
    }

    @Test
    void timeoutQueueDefaultsToTimeoutConnect() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address()).maxconn(1))
                     .timeoutConnect(Duration.ofMillis(200)).build());
             Socket first = proxy.connect()) {
            assertThat(roundTrip(first, "a")).isEqualTo("a");
            try (Socket late = proxy.connect()) {
                assertThat(late.getInputStream().read()).isEqualTo(-1);
                await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
                assertThat(proxy.lastRecord().termination()).isEqualTo("sQ");
            }
        }
    }

    @Test
    void aFullQueueRefusesAtOnceWith_PQ() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address()).maxconn(1).maxqueue(1))
                     .timeoutQueue(Duration.ofSeconds(10)).build());
             Socket first = proxy.connect()) {
            assertThat(roundTrip(first, "a")).isEqualTo("a");
            Socket queued = proxy.connect();
            await().untilAsserted(() -> assertThat(proxy.backend.queued()).isEqualTo(1));
            try (Socket refused = proxy.connect()) {
                assertThat(refused.getInputStream().read()).isEqualTo(-1);
                await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
                assertThat(proxy.lastRecord().termination()).isEqualTo("PQ");
            }
            queued.close();
        }
    }

    @Test
    void withNoUsableServerASessionWaitsAndIsDispatchedWhenOneComesUp() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address()).check())
                     .timeoutQueue(Duration.ofSeconds(10)).build());
             Socket client = proxy.connect()) {
            Server s1 = proxy.backend.server("s1").orElseThrow();
            assertThat(s1.opState()).as("a checked server starts DOWN").isEqualTo(Server.OpState.DOWN);
            client.getOutputStream().write("hi".getBytes(StandardCharsets.US_ASCII));
            await().untilAsserted(() -> assertThat(proxy.backend.queued()).isEqualTo(1));
            // it waits (200 ms at least, for the queue-time figures below) and nothing reaches the server
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(2)).until(() -> echo.accepted.get() == 0);

            proxy.backend.setOpState(s1, Server.OpState.UP).syncUninterruptibly();

            assertThat(new String(client.getInputStream().readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("hi");
            assertThat(proxy.backend.queued()).isZero();
            client.close();
            // the wait shows in the stats' queue time (HAProxy's qtime / qtime_max), backend and server
            await().untilAsserted(() -> assertThat(proxy.backend.counters().times.queueMax()).isGreaterThanOrEqualTo(200));
            assertThat(proxy.backend.counters().times.queueAverage()).isGreaterThanOrEqualTo(200);
            assertThat(s1.counters().times.queueMax()).isGreaterThanOrEqualTo(200);
        }
    }

    @Test
    void aClientThatLeavesTheQueueFreesItsPlace() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", echo.address()).check())
                     .timeoutQueue(Duration.ofSeconds(10)).build())) {
            Socket quitter = proxy.connect();
            await().untilAsserted(() -> assertThat(proxy.backend.queued()).isEqualTo(1));
            Socket stayer = proxy.connect();
            await().untilAsserted(() -> assertThat(proxy.backend.queued()).isEqualTo(2));
            quitter.close();
            stayer.getOutputStream().write("ok".getBytes(StandardCharsets.US_ASCII));

            proxy.backend.setOpState(proxy.backend.server("s1").orElseThrow(), Server.OpState.UP).syncUninterruptibly();

            InputStream in = stayer.getInputStream();
            assertThat(new String(in.readNBytes(2), StandardCharsets.US_ASCII)).isEqualTo("ok");
            stayer.close();
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(2));
            assertThat(proxy.backend.sessions()).isZero();
            assertThat(proxy.backend.server("s1").orElseThrow().sessions()).isZero();
        }
    }

    @Test
    void backupServesOnlyWhileNoActiveServerIsUsable() throws Exception {
        try (TestServer active = TestServer.echo();
             TestServer backup = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db")
                     .server(server("active", active.address()).check())
                     .server(server("backup", backup.address()).backup()).build())) {
            try (Socket s = proxy.connect()) {
                assertThat(roundTrip(s, "x")).isEqualTo("x");
            }
            assertThat(backup.accepted.get()).isEqualTo(1);

            proxy.backend.setOpState(proxy.backend.server("active").orElseThrow(), Server.OpState.UP).syncUninterruptibly();

            try (Socket s = proxy.connect()) {
                assertThat(roundTrip(s, "y")).isEqualTo("y");
            }
            assertThat(active.accepted.get()).isEqualTo(1);
            assertThat(backup.accepted.get()).isEqualTo(1);
        }
    }

    @Test
    void shutdownSessionsClosesEverySessionOfTheServerAtOnceWithD() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db")
                     .server(server("s1", echo.address()).shutdownSessionsOnDown()).build());
             Socket a = proxy.connect();
             Socket b = proxy.connect()) {
            assertThat(roundTrip(a, "1")).isEqualTo("1");
            assertThat(roundTrip(b, "2")).isEqualTo("2");
            Server s1 = proxy.backend.server("s1").orElseThrow();

            long start = System.nanoTime();
            int cut = proxy.backend.shutdownSessions(s1, 'D');

            assertThat(cut).isEqualTo(2);
            assertThat(a.getInputStream().read()).isEqualTo(-1);
            assertThat(b.getInputStream().read()).isEqualTo(-1);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(100));
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(2));
            assertThat(proxy.records).allSatisfy(r -> assertThat(r.termination()).isEqualTo("DD"));
            assertThat(s1.sessions()).isZero();
        }
    }
}
