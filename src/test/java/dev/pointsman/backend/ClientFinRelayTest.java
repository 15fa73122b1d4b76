package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pointsman.net.Transport;
import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The mirror of {@link ServerFinRelayTest}: after the client's FIN, a client that reads slowly
 * still gets everything the server streams (16 MB) before the server's own FIN. On epoll the
 * client's channel left epoll after its FIN as the server's did, and the first write that needed
 * EPOLLOUT failed: the session ended 'CD' with the data unsent.
 */
class ClientFinRelayTest {

    @ParameterizedTest
    @ValueSource(strings = {"best", "nio", "io_uring"})
    void afterTheClientsFinASlowClientStillGetsEverythingTheServerSendsBeforeItsFin(String transport) throws Exception {
        assumeTrue(!"io_uring".equals(transport) || Transport.ioUring().isPresent());
        try (TestServer srv = TestServer.start(s -> {
                 OutputStream out = s.getOutputStream();
                 out.write("ready\n".getBytes(StandardCharsets.US_ASCII));
                 assertThat(new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII)).isEqualTo("hello\n");
                 byte[] chunk = new byte[1 << 20];
                 for (int i = 0; i < 16; i++) {
                     out.write(chunk);
                 }
             });
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("s1", srv.address())).build(),
                     ProxyHarness.transport(transport));
             Socket client = proxy.connect()) {
            long cpu0 = proxy.loopCpuNanos();
            long t0 = System.nanoTime();
            assertThat(new String(client.getInputStream().readNBytes(6), StandardCharsets.US_ASCII)).isEqualTo("ready\n");
            client.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
            client.shutdownOutput();
            assertThat(ServerFinRelayTest.readSlowly(client.getInputStream())).isEqualTo(16L << 20);
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            assertThat(proxy.lastRecord().termination()).isEqualTo("--");
            assertThat(proxy.lastRecord().bytesToClient()).isEqualTo((16L << 20) + 6);
            assertThat((double) (proxy.loopCpuNanos() - cpu0))
                    .isLessThan(ServerFinRelayTest.MAX_LOOP_CPU_SHARE * (System.nanoTime() - t0));
        }
    }
}
