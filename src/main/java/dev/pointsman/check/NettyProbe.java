package dev.pointsman.check;

import dev.pointsman.net.Cancellable;
import dev.pointsman.net.Exchange;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A probe over one TCP connection ({@link Exchange}): connect (L4OK / L4TOUT / L4CON), then, when
 * there is a {@link Conversation}, send its request and feed it the answer until it decides, the
 * server closes, or the answer timeout fires (L7TOUT).
 *
 * <p>The address must already be resolved: resolving would block the event loop, so an
 * unresolved address is a SOCKERR without any attempt.
 */
final class NettyProbe implements Probe {
    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final Supplier<InetSocketAddress> target;
    private final ProbeTimeouts timeouts;
    private final Supplier<Conversation> conversation;

    /** @param conversation null for a plain connect check */
    NettyProbe(EventLoop loop, Class<? extends Channel> channelClass, Supplier<InetSocketAddress> target,
               ProbeTimeouts timeouts, Supplier<Conversation> conversation) {
        this.loop = loop;
        this.channelClass = channelClass;
        this.target = target;
        this.timeouts = timeouts;
        this.conversation = conversation;
    }

    @Override
    public Cancellable start(Consumer<ProbeOutcome> done) {
        Talk talk = new Talk(conversation == null ? null : conversation.get());
        Exchange<ProbeOutcome> attempt = new Exchange<>(loop, channelClass, timeouts, talk, done);
        Runnable begin = () -> {
            InetSocketAddress address = target.get();
            if (address.isUnresolved()) {
                attempt.finish(ProbeOutcome.of(CheckResult.of(CheckStatus.SOCKERR,
                        "unresolved address " + address.getHostString(), attempt.elapsed())));
            } else {
                attempt.connect(address);
            }
        };
        if (loop.inEventLoop()) {
            begin.run();
        } else {
            loop.execute(begin);
        }
        return attempt.canceller();
    }

    /**
     * HAProxy's check statuses for each way an exchange ends. {@code conversation} is null for a
     * connect check, which ends in {@link #connected}: nothing else is asked then.
     */
    private record Talk(Conversation conversation) implements Exchange.Dialogue<ProbeOutcome> {
        @Override
        public byte[] request() {
            return conversation.request();
        }

        @Override
        public int maxBytes() {
            return conversation.maxBytes();
        }

        @Override
        public ProbeOutcome connected(Duration elapsed) {
            return conversation == null ? result(CheckStatus.L4OK, "", elapsed) : null;
        }

        @Override
        public ProbeOutcome answer(byte[] buf, int len, boolean eof, Duration elapsed) {
            return conversation.evaluate(buf, len, eof, elapsed);
        }

        @Override
        public ProbeOutcome readFailed(Throwable cause, byte[] buf, int len, Duration elapsed) {
            return len > 0 ? conversation.evaluate(buf, len, true, elapsed) // judge what arrived before the error
                    : failed(Exchange.Stage.READ, cause, elapsed);
        }

        @Override
        public ProbeOutcome failed(Exchange.Stage stage, Throwable cause, Duration elapsed) {
            return switch (stage) {
                case CONNECT -> cause instanceof ConnectTimeoutException ? result(CheckStatus.L4TOUT, "", elapsed)
                        : cause instanceof ConnectException || cause instanceof IOException
                        ? result(CheckStatus.L4CON, errorText(cause), elapsed)
                        : result(CheckStatus.SOCKERR, errorText(cause), elapsed);
                case WRITE, READ -> result(CheckStatus.SOCKERR, errorText(cause), elapsed);
                case ANSWER_TIMEOUT -> result(CheckStatus.L7TOUT, "", elapsed);
                case TOO_LARGE -> conversation.tooLarge(elapsed);
            };
        }

        private static ProbeOutcome result(CheckStatus status, String info, Duration elapsed) {
            return ProbeOutcome.of(CheckResult.of(status, info, elapsed));
        }
    }

    private static final String[] ERRNO_TEXTS = {
        "Connection refused", "Connection reset by peer", "No route to host", "Network is unreachable",
        "Connection timed out", "Broken pipe", "Cannot assign requested address", "Permission denied"
    };

    /** The strerror()-like text HAProxy would log, taken from a JDK or Netty exception message. */
    static String errorText(Throwable cause) {
        String msg = cause == null ? null : cause.getMessage();
        if (msg == null) {
            return cause == null ? "" : cause.getClass().getSimpleName();
        }
        for (String text : ERRNO_TEXTS) {
            if (msg.contains(text)) {
                return text;
            }
        }
        return msg;
    }
}
