package dev.pointsman.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The handler half of an exchange on an {@link EmbeddedChannel}: what the server sends, in any
 * amount and at any moment, ends in exactly one outcome, and every buffer is released.
 */
class ExchangeTest {
    /** Answers are lines; at most 16 bytes. */
    private static final class Lines implements Exchange.Dialogue<String> {
        @Override
        public byte[] request() {
            return "ask\n".getBytes(StandardCharsets.US_ASCII);
        }

        @Override
        public int maxBytes() {
            return 16;
        }

        @Override
        public String answer(byte[] buf, int len, boolean eof, Duration elapsed) {
            String text = new String(buf, 0, len, StandardCharsets.US_ASCII);
            int nl = text.indexOf('\n');
            return nl >= 0 ? "line " + text.substring(0, nl) : eof ? "eof after '" + text + "'" : null;
        }

        @Override
        public String failed(Exchange.Stage stage, Throwable cause, Duration elapsed) {
            return stage + (cause == null ? "" : " " + cause.getMessage());
        }
    }

    private final List<String> outcomes = new ArrayList<>();
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final Exchange<String> exchange = new Exchange<>(channel.eventLoop(), NioSocketChannel.class,
            new Deadlines(), new Lines(), outcomes::add);

    private record Deadlines() implements Exchange.Deadlines {
        @Override
        public Duration connect() {
            return Duration.ofSeconds(1);
        }

        @Override
        public Duration answerAfter(Duration elapsed) {
            return Duration.ofSeconds(1);
        }
    }

    ExchangeTest() {
        channel.pipeline().addLast(exchange);
    }

    private static ByteBuf bytes(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    @Test
    void anAnswerInPiecesEndsOnceAndWhatFollowsIsReleasedAndIgnored() {
        ByteBuf first = bytes("ye");
        ByteBuf second = bytes("s\nmore");
        ByteBuf late = bytes("late\n");

        channel.writeInbound(first, second, late);
        channel.close();

        assertThat(outcomes).containsExactly("line yes");
        assertThat(List.of(first.refCnt(), second.refCnt(), late.refCnt())).containsOnly(0);
    }

    @Test
    void moreThanTheCapEndsAsTooLargeWithoutBufferingIt() {
        ByteBuf small = bytes("0123456789");
        ByteBuf big = bytes("0123456789");

        channel.writeInbound(small, big);

        assertThat(outcomes).containsExactly("TOO_LARGE");
        assertThat(List.of(small.refCnt(), big.refCnt())).containsOnly(0);
    }

    @Test
    void theServerClosingIsJudgedAsEof() {
        channel.writeInbound(bytes("half"));
        channel.close();

        assertThat(outcomes).containsExactly("eof after 'half'");
    }

    /** A dialogue with a bug: judging what came throws, and so does judging a read error. */
    private static final class Broken implements Exchange.Dialogue<String> {
        @Override
        public byte[] request() {
            return null;
        }

        @Override
        public int maxBytes() {
            return 16;
        }

        @Override
        public String answer(byte[] buf, int len, boolean eof, Duration elapsed) {
            throw new IllegalStateException("parser bug at byte " + len);
        }

        @Override
        public String failed(Exchange.Stage stage, Throwable cause, Duration elapsed) {
            return stage + (cause == null ? "" : " " + cause.getMessage());
        }

        @Override
        public String readFailed(Throwable cause, byte[] buf, int len, Duration elapsed) {
            return answer(buf, len, true, elapsed);
        }
    }

    @Test
    void aDialogueThatThrowsStillEndsTheExchangeOnceAsAReadFailureNamingTheError() {
        EmbeddedChannel ch = new EmbeddedChannel();
        List<String> ends = new ArrayList<>();
        ch.pipeline().addLast(new Exchange<>(ch.eventLoop(), NioSocketChannel.class, new Deadlines(), new Broken(),
                ends::add));
        ByteBuf in = bytes("HTTP/1.1 2");

        ch.writeInbound(in);
        ch.close();

        assertThat(ends).containsExactly("READ parser bug at byte 10");
        assertThat(in.refCnt()).isZero();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void aDialogueThatThrowsOnEofStillEndsTheExchangeOnce() {
        EmbeddedChannel ch = new EmbeddedChannel();
        List<String> ends = new ArrayList<>();
        ch.pipeline().addLast(new Exchange<>(ch.eventLoop(), NioSocketChannel.class, new Deadlines(), new Broken(),
                ends::add));

        ch.close();

        assertThat(ends).containsExactly("READ parser bug at byte 0");
    }

    @Test
    void aReadErrorIsAFailureUnlessTheDialogueJudgesWhatCame() {
        channel.writeInbound(bytes("half"));
        channel.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        channel.close();

        assertThat(outcomes).containsExactly("READ Connection reset by peer");
    }

    @Test
    void aCancelledExchangeReportsNothingAndReleasesWhatStillArrives() {
        exchange.cancel();
        ByteBuf late = bytes("yes\n");

        channel.writeInbound(late);
        channel.close();

        assertThat(outcomes).isEmpty();
        assertThat(late.refCnt()).isZero();
    }

    @Test
    void aCallersFinishBeforeConnectingIsTheOnlyOutcome() {
        exchange.finish("cannot resolve pg-1");
        exchange.connect(new InetSocketAddress("127.0.0.1", 1));
        channel.close();

        assertThat(outcomes).containsExactly("cannot resolve pg-1");
    }

    @Test
    void aSocketThatCannotBeMadeEndsTheExchangeWithAConnectFailureOnItsLoop() throws Exception {
        // Given descriptors have run out: no socket can be made
        io.netty.channel.EventLoop loop = new io.netty.channel.DefaultEventLoop();
        try {
            List<String> seen = new java.util.concurrent.CopyOnWriteArrayList<>();
            java.util.concurrent.atomic.AtomicBoolean onLoop = new java.util.concurrent.atomic.AtomicBoolean();
            Exchange<String> failing = new Exchange<>(loop, dev.pointsman.testing.NoSocket.class, new Deadlines(), new Lines(), o -> {
                onLoop.set(loop.inEventLoop());
                seen.add(o);
            });
            // When the exchange connects
            loop.submit(() -> failing.connect(new InetSocketAddress("127.0.0.1", 9))).sync();
            // Then it ends with the connect failure, told on its own loop (a check goes on to its next round)
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !seen.isEmpty());
            assertThat(seen).hasSize(1);
            assertThat(seen.get(0)).startsWith("CONNECT").contains("Too many open files");
            assertThat(onLoop).isTrue();
        } finally {
            loop.shutdownGracefully(0, 100, java.util.concurrent.TimeUnit.MILLISECONDS);
        }
    }
}
