package dev.pointsman.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.channel.uring.IoUring;
import io.netty.channel.uring.IoUringServerSocketChannel;
import io.netty.channel.uring.IoUringSocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class TransportTest {

    /** The relay relies on it: it does not set TCP_NODELAY itself (a system call per connection saved). */
    @Test
    void socketsAreMadeWithoutReflectionAndWithNagleOff() {
        assertMadeWithNagleOff(NioSocketChannel.class);
        if (Epoll.isAvailable()) {
            assertMadeWithNagleOff(EpollSocketChannel.class);
        }
        if (IoUring.isAvailable()) {
            assertMadeWithNagleOff(IoUringSocketChannel.class);
        }
    }

    @Test
    void socketsForIpv4ServersAreIpv4SocketsWithNagleOff() throws Exception {
        assertThat(Transport.ipv4FactoryOf(NioSocketChannel.class).newChannel()).isInstanceOf(NioSocketChannel.class);
        if (Epoll.isAvailable()) {
            Channel ch = Transport.ipv4FactoryOf(EpollSocketChannel.class).newChannel();
            try {
                assertThat(ch.config().getOption(ChannelOption.TCP_NODELAY)).isTrue();
            } finally {
                ch.unsafe().closeForcibly();
            }
        }
    }

    @Test
    void ioUringIsChosenWhereTheKernelAllowsItElseEpollSayingWhy() {
        List<String> warnings = new ArrayList<>();

        Transport t = Transport.choose("io_uring", warnings::add);

        if (IoUring.isAvailable()) {
            assertThat(t.name()).isEqualTo("io_uring");
            assertThat(t.socketChannel()).isEqualTo(IoUringSocketChannel.class);
            assertThat(warnings).isEmpty();
        } else {
            assertThat(t.name()).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");
            assertThat(warnings.get(0)).startsWith("io_uring is not available here (");
        }
        assertThat(t.linux()).isEqualTo(!t.name().equals("nio"));
    }

    @Test
    void ioUringLoopsThatCannotBeMadeFallBackToEpollSayingWhy() throws Exception {
        // as IoUringIoHandler fails when the rings' locked memory exceeds RLIMIT_MEMLOCK (Linux 5.9-5.11)
        IoHandlerFactory refused = executor -> {
            throw new IllegalStateException("failed to create io_uring ring fd: Cannot allocate memory");
        };
        Transport uring = new Transport("io_uring", refused, IoUringServerSocketChannel.class, IoUringSocketChannel.class);
        List<String> warnings = new ArrayList<>();

        Transport.Loops loops = uring.newGroup(1, "test-uring-fallback", warnings::add);
        try {
            assertThat(loops.transport().name()).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");
            assertThat(loops.group().next()).isNotNull();
            assertThat(warnings).singleElement().asString()
                    .startsWith("io_uring event loops could not be made (")
                    .contains("Cannot allocate memory")
                    .endsWith("using " + loops.transport().name());
        } finally {
            loops.group().shutdownGracefully(0, 0, TimeUnit.SECONDS).sync();
        }
    }

    @Test
    void loopsOfAnotherTransportThatCannotBeMadeAreNotHidden() {
        IoHandlerFactory refused = executor -> {
            throw new IllegalStateException("no");
        };
        Transport epoll = new Transport("epoll", refused, EpollServerSocketChannel.class, EpollSocketChannel.class);

        assertThatThrownBy(() -> epoll.newGroup(1, "test-epoll-refused", m -> { }))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void anUnknownTransportNameFallsBackToTheDefaultSayingWhat() {
        List<String> warnings = new ArrayList<>();

        Transport t = Transport.choose("kqueue", warnings::add);

        assertThat(t.name()).isEqualTo(Epoll.isAvailable() ? "epoll" : "nio");
        assertThat(warnings.get(0)).isEqualTo("pointsman.transport=kqueue (expected: epoll, io_uring or nio); using epoll");
    }

    @Test
    void nioIsAlwaysAvailable() {
        List<String> warnings = new ArrayList<>();

        assertThat(Transport.choose("nio", warnings::add).name()).isEqualTo("nio");
        assertThat(warnings).isEmpty();
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
