package dev.pointsman.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.check.ProbeTimeouts;
import dev.pointsman.testing.FakePatroni;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The bounded GET against real sockets: Patroni's answers, and the bad ones that must not hang or leak. */
class NettyHttpClientTest {
    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    static final ProbeTimeouts TIMEOUTS = new ProbeTimeouts(Duration.ofMillis(300), Optional.of(Duration.ofMillis(300)),
            Duration.ofSeconds(1));
    final HttpClient client = new NettyHttpClient(GROUP.next(), NioSocketChannel.class, TIMEOUTS, Runnable::run);

    @AfterAll
    static void stop() {
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    HttpClient.Result get(int port, String path) throws Exception {
        CompletableFuture<HttpClient.Result> f = new CompletableFuture<>();
        client.get(new HttpClient.Endpoint("127.0.0.1", port), path, f::complete);
        return f.get(5, TimeUnit.SECONDS);
    }

    @Test
    void patroniJsonAnswerIsReadToEof() throws Exception {
        try (FakePatroni p = new FakePatroni().json("/cluster", "{\"members\": []}")) {
            assertThat(get(p.port(), "/cluster")).isInstanceOfSatisfying(HttpClient.Answer.class, a -> {
                assertThat(a.status()).isEqualTo(200);
                assertThat(new String(a.body(), StandardCharsets.UTF_8)).isEqualTo("{\"members\": []}");
            });
        }
    }

    @Test
    void bareStatusLineIsAnAnswerWithoutBody() throws Exception {
        try (FakePatroni p = new FakePatroni().raw("/patroni", bytes("HTTP/1.0 503 Service Unavailable\r\n\r\n"))) {
            assertThat(get(p.port(), "/patroni")).isInstanceOfSatisfying(HttpClient.Answer.class, a -> {
                assertThat(a.status()).isEqualTo(503);
                assertThat(a.body()).isEmpty();
            });
        }
    }

    @Test
    void contentLengthEndsTheAnswerWithoutWaitingForEof() throws Exception {
        try (FakePatroni p = new FakePatroni().raw("/cluster", bytes("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}"))) {
            assertThat(get(p.port(), "/cluster")).isInstanceOf(HttpClient.Answer.class);
        }
    }

    @Test
    void garbageIsRefused() throws Exception {
        try (FakePatroni p = new FakePatroni().raw("/cluster", bytes("SSH-2.0-OpenSSH_9.2\r\n"))) {
            assertThat(get(p.port(), "/cluster")).isInstanceOfSatisfying(HttpClient.Failure.class,
                    f -> assertThat(f.reason()).isEqualTo("invalid status line: \"SSH-2.0-OpenSSH_9.2<0D>\""));
        }
    }

    @Test
    void truncatedAnswerIsRefused() throws Exception {
        try (FakePatroni p = new FakePatroni().raw("/cluster", bytes("HTTP/1.0 200 OK\r\nContent-Length: 100\r\n\r\n{\"mem"))) {
            assertThat(get(p.port(), "/cluster")).isEqualTo(new HttpClient.Failure("truncated body: got 5 of 100 bytes"));
        }
        try (FakePatroni p = new FakePatroni().raw("/cluster", bytes("HTTP/1.0 200 OK\r\nContent-Ty"))) {
            assertThat(get(p.port(), "/cluster")).isEqualTo(new HttpClient.Failure("truncated headers (no empty line before EOF)"));
        }
    }

    @Test
    void oversizedAnswerIsRefusedAtTheCap() throws Exception {
        byte[] big = ("HTTP/1.0 200 OK\r\n\r\n" + "x".repeat(70 * 1024)).getBytes(StandardCharsets.US_ASCII);
        try (FakePatroni p = new FakePatroni().raw("/cluster", big)) {
            assertThat(get(p.port(), "/cluster")).isEqualTo(new HttpClient.Failure("answer larger than 65536 bytes"));
        }
    }

    @Test
    void hangingServerTimesOutAfterTheAnswerTimeout() throws Exception {
        try (FakePatroni p = new FakePatroni()) {
            long start = System.nanoTime();
            assertThat(get(p.port(), "/cluster")).isEqualTo(new HttpClient.Failure("answer timeout"));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isBetween(Duration.ofMillis(250), Duration.ofSeconds(3));
        }
    }

    @Test
    void refusedConnectIsAFailure() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(get(port, "/cluster")).isInstanceOfSatisfying(HttpClient.Failure.class,
                f -> assertThat(f.reason()).startsWith("connect"));
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }
}
