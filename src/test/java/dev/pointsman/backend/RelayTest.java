package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;
import static org.awaitility.Awaitility.await;

import dev.pointsman.log.TcpLogRecord;
import dev.pointsman.net.Transport;
import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RelayTest {

    @ParameterizedTest
    @ValueSource(strings = {"best", "nio", "io_uring"})
    void hundredMegabytesArriveIntactAndTheServersAnswerComesBackAfterTheClientsFin(String transport) throws Exception {
        assumeTrue(!"io_uring".equals(transport) || Transport.ioUring().isPresent(), "io_uring is not available here");
        try (TestServer sink = TestServer.digest();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", sink.address())).build(),
                     ProxyHarness.transport(transport));
             Socket client = proxy.connect()) {
            MessageDigest md = TestServer.sha256();
            Random random = new Random(7);
            byte[] chunk = new byte[1 << 20];
            OutputStream out = client.getOutputStream();
            for (int i = 0; i < 100; i++) {
                random.nextBytes(chunk);
                md.update(chunk);
                out.write(chunk);
            }
            client.shutdownOutput();

            String answer = new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();

            assertThat(answer).isEqualTo(HexFormat.of().formatHex(md.digest()) + " " + (100L << 20));
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            TcpLogRecord r = proxy.lastRecord();
            assertThat(r.termination()).isEqualTo("--");
            assertThat(r.bytesFromClient()).isEqualTo(100L << 20);
            assertThat(r.server()).isEqualTo("s1");
        }
    }

    @Test
    void theServersFinReachesTheClientWhileTheClientCanStillSend() throws Exception {
        // The server says hello, half-closes, then still reads what the client sends and counts it.
        var received = new java.util.concurrent.atomic.AtomicLong(-1);
        try (TestServer srv = TestServer.start(s -> {
                 s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                 s.shutdownOutput();
                 received.set(s.getInputStream().readAllBytes().length);
             });
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", srv.address())).build());
             Socket client = proxy.connect()) {
            InputStream in = client.getInputStream();

            assertThat(new String(in.readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello\n");

            client.getOutputStream().write(new byte[5000]);
            client.shutdownOutput();
            await().untilAsserted(() -> assertThat(received.get()).isEqualTo(5000));
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            assertThat(proxy.lastRecord().termination()).isEqualTo("--");
        }
    }

    @Test
    void anIdleClientIsClosedAfterTimeoutClient() throws Exception {
        try (TestServer srv = TestServer.silent();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", srv.address()))
                     .timeoutClient(Duration.ofMillis(300)).timeoutServer(Duration.ofSeconds(30)).build());
             Socket client = proxy.connect()) {
            long start = System.nanoTime();

            assertThat(client.getInputStream().read()).isEqualTo(-1);

            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            assertThat(proxy.lastRecord().termination()).isEqualTo("cD");
            await().untilAsserted(() -> assertThat(srv.openConnections()).isZero());
        }
    }

    @Test
    void anIdleServerIsClosedAfterTimeoutServer() throws Exception {
        try (TestServer srv = TestServer.silent();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", srv.address()))
                     .timeoutClient(Duration.ofSeconds(30)).timeoutServer(Duration.ofMillis(300)).build());
             Socket client = proxy.connect()) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);

            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            assertThat(proxy.lastRecord().termination()).isEqualTo("sD");
        }
    }

    @Test
    void clientsThatStopReadingWhileTheirServerKeepsSendingAreClosedWithinTimeoutClient() throws Exception {
        // the server writes until the proxy stops taking its bytes; the clients never read
        Duration timeoutClient = Duration.ofSeconds(1);
        int clients = 3;
        try (TestServer firehose = TestServer.start(s -> {
                 byte[] chunk = new byte[64 * 1024];
                 OutputStream out = s.getOutputStream();
                 for (int i = 0; i < 1024; i++) {
                     out.write(chunk);
                 }
             });
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", firehose.address()))
                     .timeoutClient(timeoutClient).timeoutServer(Duration.ofSeconds(30)).build())) {
            List<Socket> sockets = new ArrayList<>();
            try {
                for (int i = 0; i < clients; i++) {
                    Socket c = new Socket();
                    c.setReceiveBufferSize(2048);
                    c.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), proxy.port()));
                    sockets.add(c);
                }
                await().until(() -> firehose.accepted.get() == clients);

                await().atMost(timeoutClient.plusSeconds(1)).untilAsserted(() -> assertThat(proxy.frontend.feconn()).isZero());

                assertThat(proxy.records).hasSize(clients).allSatisfy(r -> assertThat(r.termination()).isEqualTo("cD"));
                await().untilAsserted(() -> assertThat(firehose.openConnections()).isZero());
                for (Socket c : sockets) {
                    assertThat(endOfStream(c)).isTrue();
                }
            } finally {
                for (Socket c : sockets) {
                    c.close();
                }
            }
        }
    }

    /** Reads what is left (bounded) and tells whether the proxy's side has gone: EOF or a reset. */
    private static boolean endOfStream(Socket c) throws IOException {
        c.setSoTimeout(5000);
        byte[] buf = new byte[65536];
        InputStream in = c.getInputStream();
        try {
            for (long total = 0; total < (256L << 20); ) {
                int n = in.read(buf);
                if (n < 0) {
                    return true;
                }
                total += n;
            }
            return false;
        } catch (java.net.SocketTimeoutException stillOpen) {
            return false;
        } catch (IOException reset) {
            return true;
        }
    }

    @Test
    void aRefusedServerIsRetriedThenTheSessionIsRedispatchedToAnother() throws Exception {
        try (TestServer good = TestServer.echo();
             RefusingPort refusing = new RefusingPort();
             ProxyHarness proxy = ProxyHarness.start(listen("db")
                     .server(server("dead", refusing.address()))
                     .server(server("good", good.address()))
                     .retries(2).redispatch(-1).timeoutConnect(Duration.ofMillis(200)).build());
             Socket client = proxy.connect()) {
            // round robin sends the first session to "dead"
            client.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));

            assertThat(new String(client.getInputStream().readNBytes(4), StandardCharsets.US_ASCII)).isEqualTo("ping");

            Server dead = proxy.backend.server("dead").orElseThrow();
            assertThat(dead.counters().retries.sum()).isEqualTo(2);
            assertThat(dead.counters().redispatches.sum()).isEqualTo(1);
            client.close();
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            assertThat(proxy.lastRecord().server()).isEqualTo("good");
            assertThat(proxy.lastRecord().retries()).isEqualTo(2);
        }
    }

    @Test
    void withoutRedispatchTheSessionFailsAfterItsRetriesWithSC() throws Exception {
        try (RefusingPort refusing = new RefusingPort();
             ProxyHarness proxy = ProxyHarness.start(listen("db")
                     .server(server("dead", refusing.address()))
                     .retries(1).timeoutConnect(Duration.ofMillis(100)).build());
             Socket client = proxy.connect()) {
            assertThat(client.getInputStream().read()).isEqualTo(-1);

            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            assertThat(proxy.lastRecord().termination()).isEqualTo("SC");
            assertThat(proxy.backend.counters().connectErrors.sum()).isEqualTo(1);
        }
    }

    @Test
    void aConnectThatNeverCompletesEndsAfterTimeoutConnectWith_sC() throws Exception {
        // A listener with a full accept queue drops SYNs, so connecting to it hangs.
        try (java.net.ServerSocket full = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            var target = new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), full.getLocalPort());
            java.util.List<Socket> fillers = new java.util.ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Socket s = new Socket();
                try {
                    s.connect(target, 200);
                    fillers.add(s);
                } catch (java.io.IOException e) {
                    s.close();
                }
            }
            try (ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("slow", target))
                         .retries(0).timeoutConnect(Duration.ofMillis(300)).build());
                 Socket client = proxy.connect()) {
                long start = System.nanoTime();

                assertThat(client.getInputStream().read()).isEqualTo(-1);

                assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
                await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
                assertThat(proxy.lastRecord().termination()).isEqualTo("sC");
            } finally {
                for (Socket s : fillers) {
                    s.close();
                }
            }
        }
    }
}
