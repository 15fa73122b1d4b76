package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.ChannelPromise;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The request and answer deadlines of one stats connection, and who gives way when the listener is full. */
class RequestDeadlineTest {
    static final long REQUEST_MS = 500;
    static final long ANSWER_MS = 2000;

    final ListenerCounters counters = new ListenerCounters(2);
    final Admission admission = new Admission(counters);
    final List<EmbeddedChannel> channels = new ArrayList<>();
    final List<RequestDeadline> deadlines = new ArrayList<>();
    final List<FullHttpRequest> requests = new ArrayList<>();

    @AfterEach
    void releaseEverything() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
        requests.forEach(FullHttpRequest::release);
    }

    @Test
    void incompleteRequestIsAnswered408AndClosedWhenTheRequestDeadlinePassesHoweverBytesTrickle() {
        // Given a connection that sends its request line a few bytes at a time
        EmbeddedChannel ch = connect();
        for (String part : List.of("GE", "T /", ";csv ", "HTTP/1.1\r\n", "Host: x\r\n")) {
            ch.writeInbound(ascii(part));
            ch.advanceTimeBy(REQUEST_MS / 6, TimeUnit.MILLISECONDS);
            ch.runScheduledPendingTasks();
            assertThat(ch.isOpen()).isTrue();
        }

        // When the request deadline from accept passes
        ch.advanceTimeBy(REQUEST_MS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();

        // Then it got HAProxy's 408 and was closed, counted as a request error
        assertThat(outbound(ch)).startsWith("HTTP/1.1 408 Request Timeout\r\n").contains("Connection: close\r\n");
        assertThat(ch.isOpen()).isFalse();
        assertThat(requests).isEmpty();
        assertThat(counters.badRequests.sum()).isEqualTo(1);
        assertThat(admission.held()).isZero();
    }

    @Test
    void completeRequestOutlivesTheRequestDeadlineButNotTheAnswerDeadline() {
        // Given a connection whose request arrived whole
        EmbeddedChannel ch = connect();
        ch.writeInbound(ascii("GET /;csv HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(requests).hasSize(1);

        // When the request deadline passes while its answer is rendered
        ch.advanceTimeBy(REQUEST_MS + 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();

        // Then nothing happens: no 408, still open
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.isOpen()).isTrue();
        // and a connection whose answer never went out is closed at the answer deadline
        ch.advanceTimeBy(ANSWER_MS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(counters.badRequests.sum()).isZero();
    }

    @Test
    void fullListenerEvictsItsOldestIncompleteRequestWith503AndHoldsTheNewConnection() {
        // Given a listener of two held connections, the older one sending nothing, the newer one slowly
        EmbeddedChannel oldest = connect();
        EmbeddedChannel slowOne = connect();
        slowOne.writeInbound(ascii("GET / HT"));

        // When a third connection comes
        EmbeddedChannel fresh = connect();

        // Then the oldest incomplete one gave way (503, closed), the two others are held
        assertThat(fresh.isOpen()).isTrue();
        assertThat(outbound(oldest)).startsWith("HTTP/1.1 503 Service Unavailable\r\n").contains("maxconn 2");
        assertThat(oldest.isOpen()).isFalse();
        assertThat(slowOne.isOpen()).isTrue();
        assertThat(admission.held()).isEqualTo(2);
        assertThat(counters.current.get()).isEqualTo(2);
        assertThat(counters.max.get()).isEqualTo(2);
        assertThat(counters.refused.sum()).isZero();
        // and the new one's request is served
        fresh.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        assertThat(requests).hasSize(1);
    }

    @Test
    void connectionWhoseAnswerIsBeingRenderedIsNotEvicted() {
        // Given a full listener: one connection being answered, one incomplete
        EmbeddedChannel answering = connect();
        answering.writeInbound(ascii("GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n"));
        EmbeddedChannel incomplete = connect();

        // When a new connection comes
        connect();

        // Then the incomplete one gave way, not the one being answered
        assertThat(answering.isOpen()).isTrue();
        assertThat(incomplete.isOpen()).isFalse();
    }

    @Test
    void listenerFullOfRequestsBeingRenderedRefusesTheNewConnection() {
        // Given both places held by complete requests
        for (int i = 0; i < 2; i++) {
            connect().writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        }

        // When a third connection comes, then it is refused and counted
        RequestDeadline third = new RequestDeadline(REQUEST_MS, ANSWER_MS, counters, admission);
        assertThat(admission.admit(third)).isFalse();
        assertThat(counters.refused.sum()).isEqualTo(1);
        assertThat(counters.total.sum()).isEqualTo(3);
        assertThat(admission.held()).isEqualTo(2);
    }

    @Test
    void closedConnectionFreesItsPlaceOnce() {
        // Given a full listener
        EmbeddedChannel a = connect();
        connect();

        // When one connection closes (twice over: inactive, then closed again)
        a.close();
        a.close();

        // Then one place is free and a new connection evicts nobody
        assertThat(admission.held()).isEqualTo(1);
        assertThat(counters.current.get()).isEqualTo(1);
        connect();
        assertThat(admission.held()).isEqualTo(2);
        assertThat(counters.badRequests.sum()).isZero();
    }

    @Test
    void refusalClosesAtOnceEvenWhenItsAnswerCannotBeWritten() {
        // Given a connection that sent half a request and reads nothing: no write of ours completes
        EmbeddedChannel ch = connect();
        List<ChannelPromise> stuck = stallWrites(ch);
        ch.writeInbound(ascii("GET / HT"));

        // When the request deadline passes
        ch.advanceTimeBy(REQUEST_MS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();

        // Then its 408 was attempted and the connection closed there and then, not when the write completes
        assertThat(stuck).hasSize(1);
        assertThat(ch.isOpen()).isFalse();
        assertThat(counters.badRequests.sum()).isEqualTo(1);
    }

    @Test
    void evictedConnectionIsClosedAtOnceEvenWhenIts503CannotBeWritten() {
        // Given a full listener whose oldest connection reads nothing, so its 503 cannot be written
        EmbeddedChannel oldest = connect();
        List<ChannelPromise> stuck = stallWrites(oldest);
        connect();

        // When a third connection comes
        EmbeddedChannel fresh = connect();

        // Then the oldest got its 503 attempted and was closed there and then; its place is the newcomer's
        assertThat(stuck).hasSize(1);
        assertThat(oldest.isOpen()).isFalse();
        assertThat(fresh.isOpen()).isTrue();
        assertThat(admission.held()).isEqualTo(2);
        assertThat(counters.current.get()).isEqualTo(2);
    }

    @Test
    void refusedConnectionGivesUpItsPlaceAtOnceAndIsHeldUntilItsChannelIsInactive() {
        // Given a full listener
        RequestDeadline refused = new RequestDeadline(REQUEST_MS, ANSWER_MS, counters, admission);
        assertThat(admission.admit(refused)).isTrue();
        assertThat(admission.admit(new RequestDeadline(REQUEST_MS, ANSWER_MS, counters, admission))).isTrue();

        // When one connection is refused and closed, its channelInactive still to come
        admission.closing(refused);

        // Then its place is free at once: a newcomer evicts nobody
        assertThat(counters.current.get()).isEqualTo(1);
        assertThat(admission.admit(new RequestDeadline(REQUEST_MS, ANSWER_MS, counters, admission))).isTrue();
        assertThat(counters.badRequests.sum()).isZero();
        // but the listener holds it (closing the listener reaches it) until it is inactive
        assertThat(admission.held()).isEqualTo(3);
        admission.left(refused);
        assertThat(admission.held()).isEqualTo(2);
        assertThat(counters.current.get()).isEqualTo(2);
        assertThat(counters.max.get()).isEqualTo(2);
    }

    @Test
    void connectionStopsReadingOnceItsRequestIsComplete() {
        // Given a connection reading its request
        EmbeddedChannel ch = connect();
        assertThat(ch.config().isAutoRead()).isTrue();

        // When the request is complete
        ch.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        // Then nothing more is read from it: one request per connection
        assertThat(ch.config().isAutoRead()).isFalse();
    }

    @Test
    void connectionThatCannotBeWrittenToStopsReadingUntilItCanAgain() {
        // Given a connection whose request is not complete yet, and a small write buffer
        EmbeddedChannel ch = connect();
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(8, 16));
        ch.writeInbound(ascii("GET / HT"));

        // When more is queued for it than it takes (an interim answer its client does not read)
        ch.write(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));

        // Then it stops reading, and reads again once its queue has gone out
        assertThat(ch.isWritable()).isFalse();
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.flush();
        assertThat(ch.config().isAutoRead()).isTrue();
        outbound(ch);
    }

    @Test
    void answerThatCannotBeWrittenGivesWayWhenTheListenerIsFull() {
        // Given a full listener: one connection whose client does not read its answer, one being rendered
        EmbeddedChannel stuck = connect();
        stallWrites(stuck);
        stuck.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
        stuck.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK));
        EmbeddedChannel rendering = connect();
        rendering.writeInbound(ascii("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));

        // When a new connection comes
        EmbeddedChannel fresh = connect();

        // Then the answer stuck in a client that does not read gave way, not the one being rendered
        assertThat(fresh.isOpen()).isTrue();
        assertThat(stuck.isOpen()).isFalse();
        assertThat(rendering.isOpen()).isTrue();
        assertThat(counters.refused.sum()).isZero();
        assertThat(counters.current.get()).isEqualTo(2);
    }

    /** The client reads nothing: every write on {@code ch} stays pending (its bytes are dropped). */
    private static List<ChannelPromise> stallWrites(EmbeddedChannel ch) {
        List<ChannelPromise> pending = new ArrayList<>();
        ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
                ReferenceCountUtil.release(msg);
                pending.add(promise);
            }
        });
        return pending;
    }

    private EmbeddedChannel connect() {
        RequestDeadline deadline = new RequestDeadline(REQUEST_MS, ANSWER_MS, counters, admission);
        EmbeddedChannel ch = new EmbeddedChannel();
        ch.freezeTime();
        channels.add(ch);
        deadlines.add(deadline);
        if (!admission.admit(deadline)) {
            ch.close();
            return ch;
        }
        ch.pipeline().addLast(deadline, new HttpServerCodec(4096, 8192, 8192), new HttpObjectAggregator(8192),
                new SimpleChannelInboundHandler<FullHttpRequest>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                        if (deadline.refused()) {
                            return; // as StatsHandler: the codec's flush of a half request at close
                        }
                        deadline.requestComplete();
                        requests.add(req.retain());
                    }
                });
        return ch;
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private static String outbound(EmbeddedChannel ch) {
        StringBuilder sb = new StringBuilder();
        for (ByteBuf b; (b = ch.readOutbound()) != null; ) {
            sb.append(b.toString(StandardCharsets.US_ASCII));
            b.release();
        }
        return sb.toString();
    }
}
