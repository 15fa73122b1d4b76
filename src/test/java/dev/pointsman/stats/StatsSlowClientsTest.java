package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.backend.Server;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Someone probing the stats port with half-sent requests must not blind Prometheus or
 * {@code pointsman cluster}: real requests are answered at once however many slow ones are open.
 */
class StatsSlowClientsTest {
    static final int SLOW = 300;
    static final String AUTH = "Authorization: Basic "
            + Base64.getEncoder().encodeToString("admin:secret".getBytes(StandardCharsets.UTF_8)) + "\r\n";

    StatsFixture fx;
    final List<Socket> slow = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Socket s : slow) {
            try {
                s.close();
            } catch (IOException ignored) {
                // teardown
            }
        }
        if (fx != null) {
            fx.close();
        }
    }

    @Test
    void pageCsvAndMetricsAnswerWithinASecondWhileThreeHundredHalfSentRequestsAreHeld() throws Exception {
        // Given a stats listener (global maxconn 200, timeout client 30s) and 300 connections that each
        // sent part of a request line and hold it
        fx = new StatsFixture("", "");
        awaitPrimaryUp();
        long before = fx.proxy.stats().listenerConnections("stats");
        openSlow(SLOW, "GET /;csv HT");
        Awaitility.await("the listener saw every slow connection").atMost(Duration.ofSeconds(10))
                .until(() -> fx.proxy.stats().listenerConnections("stats") >= before + SLOW);
        long answeredBefore = counters().intercepted.sum();

        // When Prometheus, a browser and pointsman cluster ask meanwhile
        // Then each is answered in full within a second
        for (String path : List.of("/;csv", "/", "/metrics", "/;json")) {
            long t0 = System.nanoTime();
            String response = get(path);
            Duration took = Duration.ofNanos(System.nanoTime() - t0);
            assertThat(response).as("GET " + path).startsWith("HTTP/1.1 200 ");
            assertThat(took).as("GET " + path + " with " + SLOW + " slow requests open").isLessThan(Duration.ofSeconds(1));
        }
        // and each real request was rendered exactly once; the idle ones rendered nothing
        assertThat(counters().intercepted.sum() - answeredBefore).isEqualTo(4);
        // and stats connections take nothing from the global maxconn kept for database sessions
        assertThat(fx.proxy.gate().actconn()).isZero();
        // and the listener never held more than its limit, the global maxconn
        assertThat(counters().max.get()).isLessThanOrEqualTo(200);
        assertThat(counters().limit).isEqualTo(200);
        // and the places went to newcomers by evicting the oldest half-sent requests (503), not the newest
        assertThat(readAll(slow.get(0))).startsWith("HTTP/1.1 503 Service Unavailable\r\n");
        assertThat(readAll(slow.get(SLOW - 1))).isEqualTo("still open");
    }

    @Test
    void timeoutHttpRequestAnswers408WhenTheRequestIsNotCompleteInTime() throws Exception {
        // Given a stats listener with timeout http-request 300ms (and timeout client 30s from defaults)
        fx = new StatsFixture("", "    timeout http-request 300ms\n");
        awaitPrimaryUp();

        // When a client sends half a request and stops
        long t0 = System.nanoTime();
        openSlow(1, "GET /;csv HTTP/1.1\r\nHost: st");
        String answer = readAll(slow.get(0));
        Duration took = Duration.ofNanos(System.nanoTime() - t0);

        // Then it is answered 408 and closed after about 300 ms, long before timeout client
        assertThat(answer).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("timeout http-request");
        assertThat(took).isGreaterThanOrEqualTo(Duration.ofMillis(300)).isLessThan(Duration.ofSeconds(2));
        // and counted once as a request error
        assertThat(counters().badRequests.sum()).isEqualTo(1);
        // and a whole request is still answered
        assertThat(get("/;csv")).startsWith("HTTP/1.1 200 ");
    }

    private void awaitPrimaryUp() {
        Awaitility.await().atMost(Duration.ofSeconds(10)).until(() ->
                fx.proxy.backends().get("primary").server("pg-1").orElseThrow().opState() == Server.OpState.UP);
    }

    private ListenerCounters counters() {
        return fx.proxy.stats().listenerCounters("stats").orElseThrow();
    }

    private void openSlow(int n, String partial) throws IOException {
        for (int i = 0; i < n; i++) {
            Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.statsPort);
            s.setSoTimeout(2000);
            OutputStream out = s.getOutputStream();
            out.write(partial.getBytes(StandardCharsets.US_ASCII));
            out.flush();
            slow.add(s);
        }
    }

    /** What the server sent until it closed, or "still open" when nothing came within the socket's timeout. */
    private static String readAll(Socket s) throws IOException {
        s.setSoTimeout(1500);
        try {
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
        } catch (SocketTimeoutException e) {
            return "still open";
        }
    }

    /** One whole request on a new connection; the whole response, read until the server closes. */
    private String get(String path) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), fx.statsPort)) {
            s.setSoTimeout(2000);
            s.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: stats\r\n" + AUTH + "\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "failed: " + e;
        }
    }
}
