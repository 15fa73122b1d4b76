package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pointsman.config.Config;
import dev.pointsman.frontend.DescriptorBudget;
import io.netty.channel.Channel;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Clients that pipeline requests the stats listener does not serve, and do not read what it
 * answers: each gets one answer and its connection is let go at once, long before the request
 * and answer deadlines (10 s here), and nothing after its first request is read or rendered. A
 * process out of descriptors makes the listener pause and report, as a proxy's listener does.
 */
class StatsHostileClientsTest {
    static final Duration PROMPTLY = Duration.ofSeconds(3);

    BareStatsListener stats;
    ListenerCounters counters;

    @BeforeEach
    void start() throws Exception {
        Config config = BareStatsListener.config("    maxconn 50\n", "");
        stats = new BareStatsListener(config, DescriptorBudget.of(config));
        counters = stats.counters;
    }

    @AfterEach
    void stop() {
        stats.close();
    }

    @Test
    void pipelinedRequestsWithAnUnsupportedExpectationGetOne417AndTheConnectionIsLetGoAtOnce() throws Exception {
        // Given a client that sends 2000 pipelined requests each expecting what no server supports
        Socket s = connect();

        // When it sends them all and reads nothing
        send(s, "GET /;csv HTTP/1.1\r\nHost: x\r\nExpect: x\r\n\r\n".repeat(2000));

        // Then the listener lets the connection go at once, not at the request deadline
        Awaitility.await("the connection let go").atMost(PROMPTLY).until(() -> counters.current.get() == 0);
        // and it got one answer, the 417 for its first request, counted as a request error
        String answers = readUntilClosed(s);
        assertThat(answers).startsWith("HTTP/1.1 417 Expectation Failed\r\n");
        assertThat(count(answers, "HTTP/1.1 ")).isEqualTo(1);
        assertThat(counters.badRequests.sum()).isEqualTo(1);
    }

    @Test
    void oversizedBodyAnnouncedWithExpect100ContinueGetsOne413AndTheConnectionIsLetGoAtOnce() throws Exception {
        // Given a client that announces a body of 100 kB, expecting 100-continue, three times over
        Socket s = connect();
        String request = "POST / HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 100000\r\n\r\n";

        // When it sends the bodies anyway and reads nothing
        send(s, (request + "a".repeat(100_000)).repeat(3));

        // Then the listener lets the connection go at once, with one 413
        Awaitility.await("the connection let go").atMost(PROMPTLY).until(() -> counters.current.get() == 0);
        String answers = readUntilClosed(s);
        assertThat(answers).startsWith("HTTP/1.1 413 ");
        assertThat(count(answers, "HTTP/1.1 ")).isEqualTo(1);
    }

    @Test
    void requestsPipelinedAfterTheFirstAreNeitherAnsweredNorRendered() throws Exception {
        // Given a client that pipelines 500 requests for the CSV
        Socket s = connect();

        // When it sends them at once
        send(s, "GET /;csv HTTP/1.1\r\nHost: x\r\n\r\n".repeat(500));

        // Then it gets one answer and the connection closes
        String answers = readUntilClosed(s);
        assertThat(answers).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(count(answers, "HTTP/1.1 ")).isEqualTo(1);
        // and only that request was rendered: a request on a new connection, rendered after whatever
        // was queued on the one renderer thread, is the second rendering
        Socket next = connect();
        send(next, "GET /;csv HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(readUntilClosed(next)).startsWith("HTTP/1.1 200 OK\r\n");
        assertThat(counters.intercepted.sum()).isEqualTo(2);
    }

    @Test
    void anAcceptErrorIsReportedOnceAndPausesTheListenerBrieflyAsAProxysDoes() throws Exception {
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        Logger logger = (Logger) LoggerFactory.getLogger("pointsman");
        logger.addAppender(logs);
        try {
            Channel listener = stats.server.listeners().get(0);
            // When accepts fail as they do when the process is out of descriptors
            boolean accepting = listener.eventLoop().submit(() -> {
                for (int i = 0; i < 3; i++) {
                    listener.pipeline().fireExceptionCaught(new IOException("accept(..) failed: Too many open files"));
                }
                return listener.config().isAutoRead();
            }).get(5, TimeUnit.SECONDS);

            // Then the listener stops accepting, and one line names the cause and the limit
            assertThat(accepting).isFalse();
            assertThat(logs.list).singleElement().satisfies(e -> assertThat(e.getFormattedMessage())
                    .contains("Proxy stats cannot accept on", "Too many open files", "not accepting there for 100 ms",
                            "raise 'ulimit -n'"));
            // and it accepts again by itself after the proxies' back-off (Netty's own is a second), and serves
            Awaitility.await().atMost(Duration.ofMillis(800)).until(() -> listener.config().isAutoRead());
            Socket s = connect();
            send(s, "GET /;csv HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(readUntilClosed(s)).startsWith("HTTP/1.1 200 OK\r\n");
        } finally {
            logger.detachAppender(logs);
        }
    }

    private Socket connect() throws IOException {
        return stats.connect();
    }

    /** Writes everything it can; the server closing the connection meanwhile is what some tests want. */
    private static void send(Socket s, String text) {
        try {
            s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
            s.getOutputStream().flush();
        } catch (IOException closedByTheServer) {
            // the server let the connection go before it had read everything
        }
    }

    /** What the server sent until it closed (or reset) the connection; fails when it is still open after 2 s. */
    private static String readUntilClosed(Socket s) throws IOException {
        s.setSoTimeout(2000);
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        InputStream in = s.getInputStream();
        byte[] buf = new byte[8192];
        try {
            for (int n; (n = in.read(buf)) >= 0; ) {
                got.write(buf, 0, n);
            }
        } catch (SocketTimeoutException e) {
            throw new AssertionError("still open after 2 s; got " + got.size() + " bytes", e);
        } catch (IOException reset) {
            // closed with unread input: the server's RST ends the stream
        }
        return got.toString(StandardCharsets.US_ASCII);
    }

    private static int count(String text, String what) {
        Matcher m = Pattern.compile(Pattern.quote(what)).matcher(text);
        int n = 0;
        while (m.find()) {
            n++;
        }
        return n;
    }
}
