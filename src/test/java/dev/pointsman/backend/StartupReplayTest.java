package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.testing.ProxyHarness;
import dev.pointsman.testing.TestServer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class StartupReplayTest {

    static byte[] sslRequest() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(b);
        d.writeInt(8);
        d.writeInt(80877103);
        return b.toByteArray();
    }

    static byte[] startupMessage(String user) throws IOException {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DataOutputStream d = new DataOutputStream(body);
        d.writeInt(196608);
        d.write(("user\0" + user + "\0database\0postgres\0\0").getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        DataOutputStream m = new DataOutputStream(msg);
        m.writeInt(body.size() + 4);
        m.write(body.toByteArray());
        return msg.toByteArray();
    }

    static byte[] errorResponse(String sqlState, String message) throws IOException {
        ByteArrayOutputStream fields = new ByteArrayOutputStream();
        fields.write(("SFATAL\0C" + sqlState + "\0M" + message + "\0\0").getBytes(StandardCharsets.US_ASCII));
        ByteArrayOutputStream msg = new ByteArrayOutputStream();
        DataOutputStream m = new DataOutputStream(msg);
        m.writeByte('E');
        m.writeInt(fields.size() + 4);
        m.write(fields.toByteArray());
        return msg.toByteArray();
    }

    static final byte[] AUTH_OK = {'R', 0, 0, 0, 8, 0, 0, 0, 0};

    /** Answers SSLRequest with 'N', reads the StartupMessage, then answers {@code answer}. */
    static TestServer fakePostgres(byte[] answer, List<byte[]> startups) throws IOException {
        return TestServer.start(s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            int len = in.readInt();
            int code = in.readInt();
            if (code == 80877103) {
                out.write('N');
                out.flush();
                len = in.readInt();
                code = in.readInt();
            }
            byte[] rest = new byte[len - 8];
            in.readFully(rest);
            startups.add(rest);
            out.write(answer);
            out.flush();
            while (in.read() >= 0) {
                // hold the session until the client leaves
            }
        });
    }

    @Test
    void aServerShuttingDownIsLeftAndTheOpeningReplayedOnTheNext() throws Exception {
        List<byte[]> startupsA = new CopyOnWriteArrayList<>();
        List<byte[]> startupsB = new CopyOnWriteArrayList<>();
        try (TestServer a = fakePostgres(errorResponse("57P03", "the database system is shutting down"), startupsA);
             TestServer b = fakePostgres(AUTH_OK, startupsB);
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("a", a.address()))
                     .server(server("b", b.address())).build());
             Socket client = proxy.connect()) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(sslRequest());
            assertThat(in.read()).isEqualTo('N');
            out.write(startupMessage("alice"));

            byte[] answer = in.readNBytes(AUTH_OK.length);

            assertThat(answer).containsExactly(AUTH_OK);
            assertThat(startupsA).hasSize(1);
            assertThat(startupsB).hasSize(1);
            assertThat(new String(startupsB.get(0), StandardCharsets.US_ASCII)).contains("alice");
            client.close();
            await().untilAsserted(() -> assertThat(proxy.records).hasSize(1));
            assertThat(proxy.lastRecord().server()).isEqualTo("b");
            assertThat(proxy.lastRecord().termination()).isEqualTo("--");
        }
    }

    /** Server "b" is DOWN, and a refused connection withdraws its server as the runtime's health wiring does. */
    private static Server nextPrimaryNotUpYet(ProxyHarness proxy) {
        Server sb = proxy.backend.server("b").orElseThrow();
        proxy.backend.setOpState(sb, Server.OpState.DOWN).syncUninterruptibly();
        proxy.backend.onConnectFailure((backend, server, cause) -> backend.setOpState(server, Server.OpState.DOWN));
        return sb;
    }

    @Test
    void aRefusedOpeningWaitsInTheQueueUntilTheNextServerIsUpAndIsReplayedThere() throws Exception {
        // A switchover: the old primary refuses (57P03) while the new one is not yet up
        List<byte[]> startupsB = new CopyOnWriteArrayList<>();
        try (TestServer a = fakePostgres(errorResponse("57P03", "the database system is shutting down"),
                     new CopyOnWriteArrayList<>());
             TestServer b = fakePostgres(AUTH_OK, startupsB);
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("a", a.address()))
                     .server(server("b", b.address())).build());
             Socket client = proxy.connect()) {
            Server sb = nextPrimaryNotUpYet(proxy);
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(sslRequest());
            assertThat(in.read()).isEqualTo('N');
            out.write(startupMessage("erin"));
            await().until(() -> proxy.backend.queued() == 1);
            assertThat(in.available()).as("the client waits: nothing reached it").isZero();

            proxy.backend.setOpState(sb, Server.OpState.UP).syncUninterruptibly();

            assertThat(in.readNBytes(AUTH_OK.length)).containsExactly(AUTH_OK);
            assertThat(new String(startupsB.get(0), StandardCharsets.US_ASCII)).contains("erin");
        }
    }

    @Test
    void whatTheClientSendsWhileItsSessionWaitsForTheNextServerReachesThatServer() throws Exception {
        // A postmaster going down drops the connection before the client's first byte came; the
        // session goes back to the queue (the next primary is not up yet) and the client's
        // SSLRequest arrives meanwhile: it must reach the next server, not be lost
        java.util.concurrent.CountDownLatch dropped = new java.util.concurrent.CountDownLatch(1);
        List<byte[]> startupsB = new CopyOnWriteArrayList<>();
        try (TestServer a = TestServer.start(s -> {
                 s.setSoLinger(true, 0);
                 s.close();
                 dropped.countDown();
             });
             TestServer b = fakePostgres(AUTH_OK, startupsB);
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("a", a.address()))
                     .server(server("b", b.address())).build());
             Socket client = proxy.connect()) {
            Server sb = nextPrimaryNotUpYet(proxy);
            assertThat(dropped.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            await().until(() -> proxy.backend.queued() == 1);
            OutputStream out = client.getOutputStream();
            out.write(sslRequest());
            // whether the proxy reads it before or after b comes up, it must reach b; the path where
            // it is held while the session waits is SessionReplayTest's, step by step

            proxy.backend.setOpState(sb, Server.OpState.UP).syncUninterruptibly();

            InputStream in = client.getInputStream();
            assertThat(in.read()).isEqualTo('N');
            out.write(startupMessage("frank"));
            assertThat(in.readNBytes(AUTH_OK.length)).containsExactly(AUTH_OK);
            assertThat(new String(startupsB.get(0), StandardCharsets.US_ASCII)).contains("frank");
        }
    }

    @Test
    void aServerThatClosesBeforeAnsweringTheOpeningIsLeftAndTheOpeningReplayed() throws Exception {
        List<byte[]> startupsB = new CopyOnWriteArrayList<>();
        try (TestServer a = TestServer.start(s -> {
                 DataInputStream in = new DataInputStream(s.getInputStream());
                 in.readFully(new byte[in.readInt() - 4]);
                 // a postmaster going down: the connection is dropped without a word
             });
             TestServer b = fakePostgres(AUTH_OK, startupsB);
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("a", a.address()))
                     .server(server("b", b.address())).build());
             Socket client = proxy.connect()) {
            client.getOutputStream().write(startupMessage("carol"));

            assertThat(client.getInputStream().readNBytes(AUTH_OK.length)).containsExactly(AUTH_OK);
            assertThat(startupsB).hasSize(1);
        }
    }

    @Test
    void aSessionCutByItsServerGoingDownBeforeTheServerAnsweredIsReplayedElsewhere() throws Exception {
        List<byte[]> startupsB = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch atA = new java.util.concurrent.CountDownLatch(1);
        try (TestServer a = TestServer.start(s -> {
                 DataInputStream in = new DataInputStream(s.getInputStream());
                 in.readFully(new byte[in.readInt() - 4]);
                 atA.countDown();
                 while (in.read() >= 0) {
                     // never answers
                 }
             });
             TestServer b = fakePostgres(AUTH_OK, startupsB);
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("a", a.address()))
                     .server(server("b", b.address())).build());
             Socket client = proxy.connect()) {
            client.getOutputStream().write(startupMessage("dave"));
            assertThat(atA.await(5, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            Server sa = proxy.backend.server("a").orElseThrow();

            proxy.backend.setOpState(sa, Server.OpState.DOWN).syncUninterruptibly();
            proxy.backend.shutdownSessions(sa, 'D');

            assertThat(client.getInputStream().readNBytes(AUTH_OK.length)).containsExactly(AUTH_OK);
            assertThat(new String(startupsB.get(0), StandardCharsets.US_ASCII)).contains("dave");
        }
    }

    /** A PostgreSQL with ssl on: answers the SSLRequest with 'S', then echoes what comes (the "TLS" bytes). */
    static TestServer fakeTlsPostgres(java.util.concurrent.atomic.AtomicInteger requests) throws IOException {
        return TestServer.start(s -> {
            DataInputStream in = new DataInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            if (in.readInt() != 8 || in.readInt() != 80877103) {
                return;
            }
            requests.incrementAndGet();
            out.write('S');
            out.flush();
            byte[] buf = new byte[4096];
            for (int n; (n = in.read(buf)) >= 0; ) {
                out.write(buf, 0, n);
                out.flush();
            }
        });
    }

    /** The first bytes of a TLS ClientHello record, and more: opaque to the proxy. */
    private static final byte[] CLIENT_HELLO = {0x16, 0x03, 0x01, 0x00, 0x05, 0x01, 0x00, 0x00, 0x01, 0x03};

    @Test
    void aClientNegotiatingTlsIsRelayedUntouched() throws Exception {
        java.util.concurrent.atomic.AtomicInteger requests = new java.util.concurrent.atomic.AtomicInteger();
        try (TestServer a = fakeTlsPostgres(requests);
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("a", a.address())).build());
             Socket client = proxy.connect()) {
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(sslRequest());
            assertThat(in.read()).isEqualTo('S');

            out.write(CLIENT_HELLO);

            assertThat(in.readNBytes(CLIENT_HELLO.length)).containsExactly(CLIENT_HELLO);
            assertThat(requests.get()).isEqualTo(1);
        }
    }

    @Test
    void aServerDroppingTheSessionBeforeAnsweringItsSslRequestIsLeftAndTheRequestReplayedOnTheNext() throws Exception {
        // a postmaster going down resets the connection after the client's SSLRequest came, before
        // any answer: nothing was said either way but the request, as with a client that sent nothing
        java.util.concurrent.atomic.AtomicInteger requestsB = new java.util.concurrent.atomic.AtomicInteger();
        try (TestServer a = TestServer.start(s -> {
                 new DataInputStream(s.getInputStream()).readFully(new byte[8]);
                 s.setSoLinger(true, 0);
                 s.close();
             });
             TestServer b = fakeTlsPostgres(requestsB);
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("a", a.address()))
                     .server(server("b", b.address())).build());
             Socket client = proxy.connect()) {
            proxy.backend.onConnectFailure((backend, server, cause) -> backend.setOpState(server, Server.OpState.DOWN));
            OutputStream out = client.getOutputStream();
            InputStream in = client.getInputStream();
            out.write(sslRequest());

            assertThat(in.read()).as("b's answer to the replayed SSLRequest").isEqualTo('S');
            out.write(CLIENT_HELLO);
            assertThat(in.readNBytes(CLIENT_HELLO.length)).containsExactly(CLIENT_HELLO);
            assertThat(requestsB.get()).isEqualTo(1);
        }
    }

    @Test
    void anyOtherErrorReachesTheClientUnchanged() throws Exception {
        byte[] error = errorResponse("28P01", "password authentication failed");
        try (TestServer a = fakePostgres(error, new CopyOnWriteArrayList<>());
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("a", a.address())).build());
             Socket client = proxy.connect()) {
            client.getOutputStream().write(startupMessage("bob"));

            assertThat(client.getInputStream().readNBytes(error.length)).containsExactly(error);
        }
    }

    @Test
    void nonPostgresTrafficIsRelayedUntouched() throws Exception {
        try (TestServer echo = TestServer.echo();
             ProxyHarness proxy = ProxyHarness.start(listen("db").server(server("e", echo.address())).build());
             Socket client = proxy.connect()) {
            byte[] hello = "E\0\0\0\u0010hello".getBytes(StandardCharsets.ISO_8859_1);
            client.getOutputStream().write(hello);

            assertThat(client.getInputStream().readNBytes(hello.length)).containsExactly(hello);
        }
    }

    @Test
    void theWindowHoldsAtMostItsLimitAndReleasesItsBuffers() {
        StartupReplay replay = new StartupReplay(ByteBufAllocator.DEFAULT);
        ByteBuf big = Unpooled.wrappedBuffer(new byte[StartupReplay.MAX_BYTES + 1]);

        replay.client(big);

        assertThat(replay.open()).isFalse();
        assertThat(big.refCnt()).isEqualTo(1);
        big.release();
    }

    /** A window that has seen the client's StartupMessage. */
    private static StartupReplay afterStartup() throws IOException {
        StartupReplay replay = new StartupReplay(ByteBufAllocator.DEFAULT);
        ByteBuf startup = Unpooled.wrappedBuffer(startupMessage("alice"));
        replay.client(startup);
        startup.release();
        assertThat(replay.replayable()).isTrue();
        return replay;
    }

    @Test
    void aServerAnswerOverflowingTheWindowIsForwardedWithWhatWasHeld() throws Exception {
        StartupReplay replay = afterStartup();
        ByteBuf head = Unpooled.buffer(5).writeByte('E').writeInt(8000);
        byte[] restBytes = new byte[StartupReplay.MAX_BYTES - 2];
        restBytes[0] = 42;
        ByteBuf rest = Unpooled.wrappedBuffer(restBytes);
        assertThat(replay.server(head)).isEqualTo(StartupReplay.Verdict.HOLD);
        head.release();

        assertThat(replay.server(rest)).isEqualTo(StartupReplay.Verdict.FORWARD_HELD);
        ByteBuf forwarded = replay.takeHeld(rest);

        assertThat(forwarded.readableBytes()).isEqualTo(5 + restBytes.length);
        assertThat(forwarded.getByte(0)).isEqualTo((byte) 'E');
        assertThat(forwarded.getByte(5)).isEqualTo((byte) 42);
        assertThat(replay.open()).isFalse();
        forwarded.release();
        assertThat(rest.refCnt()).isZero();
    }

    @Test
    void aServerAnswerCompletedInTheWindowIsForwardedOnceAndItsBufferReleased() throws Exception {
        StartupReplay replay = afterStartup();
        ByteBuf auth = Unpooled.wrappedBuffer(AUTH_OK);

        assertThat(replay.server(auth)).isEqualTo(StartupReplay.Verdict.FORWARD_HELD);
        ByteBuf forwarded = replay.takeHeld(auth);

        byte[] got = new byte[forwarded.readableBytes()];
        forwarded.readBytes(got);
        assertThat(got).containsExactly(AUTH_OK);
        assertThat(auth.refCnt()).isZero();
        forwarded.release();
        assertThat(forwarded.refCnt()).isZero();
    }

    @Test
    void bytesOneServerLeftUnfinishedAreNotTakenForPartOfTheNextServersAnswer() throws Exception {
        StartupReplay replay = afterStartup();
        ByteBuf partial = Unpooled.wrappedBuffer(new byte[]{'E', 0, 0});
        assertThat(replay.server(partial)).isEqualTo(StartupReplay.Verdict.HOLD);
        partial.release();

        replay.serverLeft();
        ByteBuf refusal = Unpooled.wrappedBuffer(errorResponse("57P03", "the database system is starting up"));

        assertThat(replay.server(refusal)).isEqualTo(StartupReplay.Verdict.REPLAY);
        refusal.release();
        replay.close();
    }

    @Test
    void sqlStateIsReadFromTheErrorFields() throws Exception {
        ByteBuf b = Unpooled.wrappedBuffer(errorResponse("57P03", "the database system is starting up"));

        assertThat(StartupReplay.sqlState(b, 5, b.readableBytes())).isEqualTo("57P03");
    }
}
