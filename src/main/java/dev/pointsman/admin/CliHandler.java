package dev.pointsman.admin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * One runtime API connection, HAProxy's CLI loop: read lines, run each {@code ;}-separated command
 * in turn, write its answer followed by an empty line (or by the {@code > } prompt in interactive
 * mode). In non-interactive mode the connection closes once every command received has been
 * answered and no partial line waits; in interactive mode it stays open for the next one. An end
 * of input closes it after the last answer.
 *
 * <p>Bounds: a line longer than {@link #MAX_LINE} closes the connection (as HAProxy closes on a
 * request larger than its buffer); reading stops while an answer is being written (AUTO_READ off,
 * the next read after the write completed), so a client that does not read holds one answer and
 * is closed by the idle timeout ({@code stats timeout}, {@code set timeout cli}).
 *
 * <p>Owner: the connection's event loop; answers computed elsewhere (a backend's owner) come back
 * to it before they are written.
 */
final class CliHandler extends ChannelInboundHandlerAdapter {
    static final int MAX_LINE = 64 * 1024;
    static final String IDLE = "idle";

    private final Interpreter interpreter;
    private final CliSession session;
    private final LineBuffer lines = new LineBuffer(MAX_LINE);
    private final ArrayDeque<String> pending = new ArrayDeque<>();
    private boolean busy;
    private boolean answeredOnce;
    private boolean inputEnded;
    private boolean closing;

    CliHandler(Interpreter interpreter, CliSession session) {
        this.interpreter = interpreter;
        this.session = session;
    }

    /** The idle timer a connection starts with, and after {@code set timeout cli}. */
    static IdleStateHandler idleTimer(Duration timeout) {
        return new IdleStateHandler(timeout.toMillis(), 0, 0, TimeUnit.MILLISECONDS);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ctx.read();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        try {
            if (closing) {
                return;
            }
            for (String line : lines.feed(in)) {
                pending.addAll(Words.commands(line));
            }
        } finally {
            in.release();
        }
        if (lines.overflow()) {
            close(ctx);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        next(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            inputEnded = true;
            next(ctx);
        } else if (evt instanceof IdleStateEvent) {
            close(ctx);
        } else {
            ctx.fireUserEventTriggered(evt);
        }
    }

    /** Runs the next pending command; with none left, closes or reads on, as HAProxy's CLI does. */
    private void next(ChannelHandlerContext ctx) {
        if (busy || closing) {
            return;
        }
        String command = pending.poll();
        if (command == null) {
            if (session.quit() || inputEnded || (!session.interactive() && answeredOnce && !lines.hasPartial())) {
                close(ctx);
            } else {
                ctx.read();
            }
            return;
        }
        busy = true;
        Duration before = session.timeout();
        interpreter.execute(session, command).whenComplete((text, failure) -> {
            try {
                ctx.executor().execute(() -> answer(ctx, failure == null ? text : "Internal error.\n", before));
            } catch (java.util.concurrent.RejectedExecutionException stopping) {
                ctx.channel().close(); // the runtime API is closing: no one to answer on this loop
            }
        });
    }

    private void answer(ChannelHandlerContext ctx, String text, Duration timeoutBefore) {
        answeredOnce = true;
        if (!session.timeout().equals(timeoutBefore)) {
            ctx.pipeline().replace(IDLE, IDLE, idleTimer(session.timeout()));
        }
        if (session.quit()) {
            busy = false;
            close(ctx);
            return;
        }
        byte[] bytes = (text + session.afterAnswer()).getBytes(StandardCharsets.UTF_8);
        ctx.writeAndFlush(Unpooled.wrappedBuffer(bytes)).addListener((ChannelFutureListener) f -> {
            busy = false;
            if (f.isSuccess()) {
                next(ctx);
            } else {
                close(ctx);
            }
        });
    }

    private void close(ChannelHandlerContext ctx) {
        closing = true;
        pending.clear();
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        close(ctx); // a reset by the client; nothing to answer
    }
}
