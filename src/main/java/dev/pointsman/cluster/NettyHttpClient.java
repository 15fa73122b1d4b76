package dev.pointsman.cluster;

import dev.pointsman.check.ProbeTimeouts;
import dev.pointsman.net.Cancellable;
import dev.pointsman.net.Exchange;
import dev.pointsman.net.HttpAnswerParser;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

/**
 * {@code GET <path> HTTP/1.0} with {@code Connection: close} over one {@link Exchange} on one event
 * loop, read to EOF (or to Content-Length) and capped at {@link #MAX_ANSWER} bytes. Timeouts follow
 * the checks' rules ({@link ProbeTimeouts}): the connect may take {@code connect}, then the answer
 * {@code timeout check} or what is left of {@code inter}. A host name is resolved on
 * {@code resolver}, never on the event loop.
 */
final class NettyHttpClient implements HttpClient {
    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final ProbeTimeouts timeouts;
    private final Executor resolver;

    NettyHttpClient(EventLoop loop, Class<? extends Channel> channelClass, ProbeTimeouts timeouts, Executor resolver) {
        this.loop = loop;
        this.channelClass = channelClass;
        this.timeouts = timeouts;
        this.resolver = resolver;
    }

    @Override
    public Cancellable get(Endpoint endpoint, String path, Consumer<Result> done) {
        Exchange<Result> x = new Exchange<>(loop, channelClass, timeouts, new Get(endpoint, path), done);
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(endpoint.host());
        if (literal != null) {
            loop.execute(() -> x.connect(address(literal, endpoint)));
        } else {
            try {
                CompletableFuture.supplyAsync(() -> resolve(endpoint), resolver)
                        .whenComplete((a, e) -> loop.execute(() -> {
                            if (a == null) {
                                x.finish(new Failure("cannot resolve " + endpoint.host()));
                            } else {
                                x.connect(a);
                            }
                        }));
            } catch (RejectedExecutionException e) {
                loop.execute(() -> x.finish(new Failure("resolver busy, " + endpoint.host() + " not resolved")));
            }
        }
        return x.canceller();
    }

    private static InetSocketAddress address(byte[] literal, Endpoint endpoint) {
        try {
            return new InetSocketAddress(InetAddress.getByAddress(literal), endpoint.port());
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e); // cannot happen: 4 or 16 bytes
        }
    }

    private static InetSocketAddress resolve(Endpoint endpoint) {
        try {
            return new InetSocketAddress(InetAddress.getByName(endpoint.host()), endpoint.port());
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** A GET's request, its answer, and the failures worded for the cluster view's log. */
    private record Get(byte[] request) implements Exchange.Dialogue<Result> {
        /** A GET's answer has a body; a head cut by EOF is a truncated answer. */
        private static final HttpAnswerParser.Framing FRAMING = new HttpAnswerParser.Framing(false, false);

        Get(Endpoint endpoint, String path) {
            this(("GET " + path + " HTTP/1.0\r\nHost: " + endpoint
                    + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }

        @Override
        public int maxBytes() {
            return MAX_ANSWER;
        }

        @Override
        public Result answer(byte[] buf, int len, boolean eof, Duration elapsed) {
            HttpAnswerParser.Parse parse = HttpAnswerParser.parse(buf, len, eof, FRAMING);
            if (parse instanceof HttpAnswerParser.Complete c) {
                return new Answer(c.answer().status(), c.answer().body());
            }
            if (parse instanceof HttpAnswerParser.Invalid i) {
                return new Failure(i.reason());
            }
            return null;
        }

        @Override
        public Result failed(Exchange.Stage stage, Throwable cause, Duration elapsed) {
            return new Failure(switch (stage) {
                case CONNECT -> cause instanceof ConnectTimeoutException ? "connect timeout" : "connect: " + message(cause);
                case WRITE -> "write: " + message(cause);
                case READ -> "read: " + message(cause);
                case ANSWER_TIMEOUT -> "answer timeout";
                case TOO_LARGE -> "answer larger than " + MAX_ANSWER + " bytes";
            });
        }
    }

    private static String message(Throwable t) {
        return t == null ? "" : t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
