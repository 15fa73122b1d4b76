package dev.pointsman.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

class TransportTest {

    /** The relay relies on it: it does not set TCP_NODELAY itself (a system call per connection saved). */
    @Test
    void socketsAreMadeWithoutReflectionAndWithNagleOff() {
        assertMadeWithNagleOff(NioSocketChannel.class);
        if (Epoll.isAvailable()) {
            assertMadeWithNagleOff(EpollSocketChannel.class);
        }
    }

    private static void assertMadeWithNagleOff(Class<? extends Channel> type) {
        Channel ch = Transport.factoryOf(type).newChannel();
        try {
            assertThat(ch).isInstanceOf(type);
            assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
            assertThat(ch.config().getOption(ChannelOption.SO_KEEPALIVE)).isFalse();
        } finally {
            ch.unsafe().closeForcibly();
        }
    }
}
