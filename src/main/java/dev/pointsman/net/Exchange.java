package dev.pointsman.net;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * One request and its answer over one TCP connection on one event loop, as a health check and
 * the cluster view's REST calls both make them: connect within {@link Deadlines#connect()}, send
 * the request, then hand everything received so far (at most {@link Dialogue#maxBytes()} bytes)
 * to the {@link Dialogue} until it decides, the server closes, or the answer deadline fires. What
 * differs between users (the request, how an answer is judged, how each failure is worded) is
 * the dialogue's.
 *
 * <p>Every path ends in exactly one call of {@code done}, unless {@link #cancel()} came first (then
 * none), with the connection closed and every received buffer released.
 *
 * <p>Owner: the event loop. {@link #connect}, {@link #finish} and {@link #cancel} are called on
 * it, and the handler runs there.
 */
public final class Exchange<T> extends ChannelInboundHandlerAdapter {
    /** How long each part may take. */
    public interface Deadlines {
        Duration connect();

        /** The time the answer may take when the connection was established {@code elapsed} after the start. */
        Duration answerAfter(Duration elapsed);
    }

    /** Where an exchange failed. */
    public enum Stage { CONNECT, WRITE, READ, ANSWER_TIMEOUT, TOO_LARGE }

    /** The user's side of an exchange; called on the event loop only. */
    public interface Dialogue<T> {
        /** The bytes to send once connected; null to send nothing. */
        byte[] request();

        /** The most bytes worth buffering; more ends the exchange at {@link Stage#TOO_LARGE}. */
        int maxBytes();

        /** Once connected: an outcome to end at once (a connect-only check), or null to go on. */
        default T connected(Duration elapsed) {
            return null;
        }

        /**
         * Judges the bytes received so far ({@code buf[0..len)}); {@code eof} when the server closed.
         * Returns null while more bytes are needed (never when {@code eof}).
         */
        T answer(byte[] buf, int len, boolean eof, Duration elapsed);

        /** The outcome of a failure at {@code stage}; {@code cause} is null for the timeout and the size cap. */
        T failed(Stage stage, Throwable cause, Duration elapsed);

        /** A read error after {@code len} bytes: a {@link Stage#READ} failure unless the dialogue judges what came. */
        default T readFailed(Throwable cause, byte[] buf, int len, Duration elapsed) {
            return failed(Stage.READ, cause, elapsed);
        }
    }

    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final Deadlines deadlines;
    private final Dialogue<T> dialogue;
    private final Consumer<T> done;
    private final long startNanos = System.nanoTime();
    private boolean finished;
    private Channel channel;
    private ScheduledFuture<?> answerTimer;
    private byte[] buf = new byte[512];
    private int len;

    /** Nothing happens before {@link #connect}; the time counts from here. */
    public Exchange(EventLoop loop, Class<? extends Channel> channelClass, Deadlines deadlines, Dialogue<T> dialogue,
                    Consumer<T> done) {
        this.loop = loop;
        this.channelClass = channelClass;
        this.deadlines = deadlines;
        this.dialogue = dialogue;
        this.done = done;
    }

    /** Connects to a resolved {@code address} (resolving would block the loop). */
    public void connect(InetSocketAddress address) {
        if (finished) {
            return;
        }
        int connectMillis = (int) Math.max(1, Math.min(Integer.MAX_VALUE, deadlines.connect().toMillis()));
        ChannelFuture connect = new Bootstrap().group(loop).channel(channelClass)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectMillis)
                .option(ChannelOption.TCP_NODELAY, true)
                .handler(this)
                .connect(address);
        channel = connect.channel();
        // a socket that cannot be made (EMFILE) fails on Netty's global executor, not on this loop
        connect.addListener((ChannelFuture f) -> {
            if (loop.inEventLoop()) {
                connectDone(f);
            } else {
                loop.execute(() -> connectDone(f));
            }
        });
    }

    private void connectDone(ChannelFuture f) {
        if (f.isSuccess()) {
            connected(f.channel());
        } else {
            fail(Stage.CONNECT, unwrapped(f.cause()));
        }
    }

    /** The cause under Netty's "Unable to create Channel" wrappers: "Too many open files" says what happened. */
    private static Throwable unwrapped(Throwable t) {
        while ((t instanceof io.netty.channel.ChannelException
                || t instanceof java.lang.reflect.InvocationTargetException) && t.getCause() != null) {
            t = t.getCause();
        }
        return t;
    }

    private void connected(Channel ch) {
        if (finished) {
            ch.close();
            return;
        }
        T early = judged(() -> dialogue.connected(elapsed()));
        if (early != null) {
            finish(early);
            return;
        }
        answerTimer = loop.schedule(() -> fail(Stage.ANSWER_TIMEOUT, null),
                deadlines.answerAfter(elapsed()).toNanos(), TimeUnit.NANOSECONDS);
        byte[] request;
        try {
            request = dialogue.request();
        } catch (RuntimeException bug) {
            fail(Stage.WRITE, bug);
            return;
        }
        if (request != null) {
            ch.writeAndFlush(Unpooled.wrappedBuffer(request)).addListener(w -> {
                if (!w.isSuccess()) {
                    fail(Stage.WRITE, w.cause());
                }
            });
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        try {
            if (finished || !(msg instanceof ByteBuf in)) {
                return;
            }
            int n = in.readableBytes();
            if (len + n > dialogue.maxBytes()) {
                fail(Stage.TOO_LARGE, null);
                return;
            }
            if (len + n > buf.length) {
                buf = Arrays.copyOf(buf, Math.min(dialogue.maxBytes(), Math.max(buf.length * 2, len + n)));
            }
            in.readBytes(buf, len, n);
            len += n;
            T outcome = judged(() -> dialogue.answer(buf, len, false, elapsed()));
            if (outcome != null) {
                finish(outcome);
            }
        } finally {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            T outcome = judged(() -> dialogue.answer(buf, len, true, elapsed()));
            finish(outcome != null ? outcome
                    : dialogue.failed(Stage.READ, new IllegalStateException("no outcome at end of stream"), elapsed()));
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (!finished) {
            finish(judged(() -> dialogue.readFailed(cause, buf, len, elapsed())));
        }
    }

    /** Ends the exchange with {@code outcome} (a caller's failure before connecting, such as an unresolved name). */
    public void finish(T outcome) {
        if (finished) {
            return;
        }
        finished = true;
        cleanup();
        done.accept(outcome);
    }

    /** Ends the exchange without an outcome. */
    public void cancel() {
        if (!finished) {
            finished = true;
            cleanup();
        }
    }

    /** A handle that cancels from any thread. */
    public Cancellable canceller() {
        return () -> loop.execute(this::cancel);
    }

    /** The time since the exchange was created. */
    public Duration elapsed() {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    /**
     * What the dialogue decides; a dialogue that throws (a bug meeting an answer it did not
     * expect) ends the exchange as a {@link Stage#READ} failure naming the error, so that a check
     * reports and goes on instead of stopping for good.
     */
    private T judged(java.util.function.Supplier<T> decision) {
        try {
            return decision.get();
        } catch (RuntimeException | StackOverflowError bug) {
            return dialogue.failed(Stage.READ, bug, elapsed());
        }
    }

    private void fail(Stage stage, Throwable cause) {
        if (!finished) {
            finish(dialogue.failed(stage, cause, elapsed()));
        }
    }

    private void cleanup() {
        if (answerTimer != null) {
            answerTimer.cancel(false);
        }
        if (channel != null && channel.isRegistered()) {
            channel.close(); // one that never got a loop (no socket could be made) has nothing to close
        }
        buf = null;
    }
}
