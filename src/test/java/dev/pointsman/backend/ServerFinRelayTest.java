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
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * From the adversarial review of the perf branch (session 5): a defect already on main, not fixed here.
 * Epoll only: after the server's FIN ("hello" then shutdownOutput), a server that reads slowly does
 * not get everything the client streams (16 MB) before its own FIN: the client sees "Broken pipe"
 * (data loss in the half-closed relay). NIO and io_uring pass.
 *
 * <p>Root cause (session 6, Netty 4.2.18): after the server's FIN the epoll channel clears EPOLLIN
 * (AUTO_READ off) and then EPOLLRDHUP; with no EPOLLOUT pending its interest set is empty, and
 * EpollIoHandler's registration then does EPOLL_CTL_DEL but stays "Added". When the slow server
 * later fills the socket buffer, the write sets EPOLLOUT with EPOLL_CTL_MOD, which fails with ENOENT
 * ("epoll_ctl(..) failed with error(-2)"): flush0 turns it into ChannelOutputShutdownException, the
 * session ends 'SD' and the client's socket is closed. Fix: a Netty that re-adds after a delete, or
 * keeping the interest set from emptying (without busy-looping on the shut input).
 */
class ServerFinRelayTest {
    @Disabled("known defect on main: epoll loses client data after the server's FIN when the server reads slowly (Broken pipe); see class comment")
    @ParameterizedTest
    @ValueSource(strings = {"best", "nio", "io_uring"})
    void afterTheServersFinASlowServerStillGetsEverythingTheClientSendsBeforeItsFin(String transport) throws Exception {
        assumeTrue(!"io_uring".equals(transport) || Transport.ioUring().isPresent());
        AtomicLong received = new AtomicLong(-1);
        try (TestServer srv = TestServer.start(s -> {
                 s.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
                 s.shutdownOutput();
                 InputStream in = s.getInputStream();
                 byte[] b = new byte[64 << 10];
                 long n = 0;
                 int r;
                 java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L); // let the client's bytes and FIN pile up in the proxy
                 while ((r = in.read(b)) >= 0) {
                     n += r;
                     if (n < (4 << 20)) {
                         java.util.concurrent.locks.LockSupport.parkNanos(2_000_000L);
                     }
                 }
                 received.set(n);
             });
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", srv.address())).build(),
                     switch (transport) {
                         case "nio" -> Transport.nio();
                         case "io_uring" -> Transport.ioUring().orElseThrow();
                         default -> Transport.best();
                     });
             Socket client = proxy.connect()) {
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
        }
    }
}
