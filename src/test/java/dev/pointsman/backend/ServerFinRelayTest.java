package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pointsman.net.Transport;
import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * After the server's FIN ("hello" then shutdownOutput), a server that reads slowly still gets
 * everything the client streams (16 MB) before the client's own FIN, and the proxy does not spin
 * meanwhile.
 *
 * <p>Found by the adversarial review of the perf branch (session 5), epoll only: the client saw
 * "Broken pipe". Cause (Netty 4.2.18): after the server's FIN the epoll channel clears EPOLLIN
 * (AUTO_READ off) and then EPOLLRDHUP; with no EPOLLOUT pending its interest set is empty, and
 * EpollIoHandler's registration then does EPOLL_CTL_DEL but stays "Added". When the slow server
 * later filled the socket buffer, the write set EPOLLOUT with EPOLL_CTL_MOD, which failed with
 * ENOENT: the flush failed, the session ended 'SD' and the client's socket was closed. Fixed by
 * {@link SessionChannels#keepPolledAfterFin}; {@link ClientFinRelayTest} is the mirror case.
 */
class ServerFinRelayTest {
    /** The proxy's event loops may use at most this share of the wall time: a loop woken without end would use far more. */
    static final double MAX_LOOP_CPU_SHARE = 0.25;

    @ParameterizedTest
    @ValueSource(strings = {"best", "nio", "io_uring"})
    void afterTheServersFinASlowServerStillGetsEverythingTheClientSendsBeforeItsFin(String transport) throws Exception {
        assumeTrue(!"io_uring".equals(transport) || Transport.ioUring().isPresent());
        AtomicLong received = new AtomicLong(-1);
        try (TestServer srv = TestServer.start(s -> {
                 s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                 s.shutdownOutput();
                 received.set(readSlowly(s.getInputStream()));
             });
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", srv.address())).build(),
                     ProxyHarness.transport(transport));
             Socket client = proxy.connect()) {
            long cpu0 = proxy.loopCpuNanos();
            long t0 = System.nanoTime();
            assertThat(new String(client.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
            OutputStream out = client.getOutputStream();
            byte[] chunk = new byte[1 << 20];
            for (int i = 0; i < 16; i++) {
                out.write(chunk);
            }
            client.shutdownOutput();
            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(received.get()).isEqualTo(16L << 20));
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            assertThat(proxy.lastRecord().termination()).isEqualTo("--");
            assertThat(proxy.lastRecord().bytesFromClient()).isEqualTo(16L << 20);
            assertThat((double) (proxy.loopCpuNanos() - cpu0)).isLessThan(MAX_LOOP_CPU_SHARE * (System.nanoTime() - t0));
        }
    }

    /**
     * Reads to EOF like a busy peer: nothing for 300 ms (the other side's bytes and FIN pile up in
     * the proxy), then the first 4 MB in 64 KB reads 2 ms apart. Returns the byte count.
     */
    static long readSlowly(InputStream in) throws java.io.IOException {
        byte[] b = new byte[64 << 10];
        long n = 0;
        int r;
        LockSupport.parkNanos(300_000_000L);
        while ((r = in.read(b)) >= 0) {
            n += r;
            if (n < (4 << 20)) {
                LockSupport.parkNanos(2_000_000L);
            }
        }
        return n;
    }
}
