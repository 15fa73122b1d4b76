package dev.pointsman.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** sd_notify against a real unix datagram socket, as systemd binds one for a {@code Type=notify} unit. */
class SdNotifyTest {
    @TempDir
    Path dir;
    private EventLoopGroup group;
    private final List<String> got = new CopyOnWriteArrayList<>();

    @BeforeEach
    void loop() {
        assumeTrue(Epoll.isAvailable(), "epoll (Linux) is needed for unix datagram sockets");
        group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    }

    @AfterEach
    void stop() throws InterruptedException {
        if (group != null) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
        }
    }

    /** Binds the "systemd" end at {@code address} (a leading NUL: the abstract namespace). */
    private Channel systemd(String address) throws InterruptedException {
        return new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                    @Override
                    protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                        got.add(p.content().toString(StandardCharsets.UTF_8));
                    }
                }).bind(new DomainSocketAddress(address)).sync().channel();
    }

    @Test
    void readyReloadingAndStoppingArriveAsOneDatagramEachOnAPathSocket() throws Exception {
        String path = dir.resolve("notify").toString();
        Channel receiver = systemd(path);
        SdNotify notify = SdNotify.of(Optional.of(path));

        assertThat(notify.ready("2 frontends,\n3 backends")).isTrue();
        assertThat(notify.reloading()).isTrue();
        assertThat(notify.stopping("stopping: 4 sessions active")).isTrue();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 3);
        assertThat(got.get(0)).isEqualTo("READY=1\nSTATUS=2 frontends, 3 backends");
        assertThat(got.get(1)).startsWith("RELOADING=1\nSTATUS=Reloading the configuration\nMONOTONIC_USEC=")
                .matches("(?s).*MONOTONIC_USEC=[0-9]+");
        assertThat(got.get(2)).isEqualTo("STOPPING=1\nSTATUS=stopping: 4 sessions active");
        receiver.close().sync();
    }

    @Test
    void anAtSignNamesASocketInTheAbstractNamespace() throws Exception {
        String name = "pointsman-sdnotify-test-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Channel receiver = systemd("\0" + name);
        SdNotify notify = SdNotify.of(Optional.of("@" + name));

        assertThat(notify.status("waiting")).isTrue();

        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 1);
        assertThat(got).containsExactly("STATUS=waiting");
        receiver.close().sync();
    }

    @Test
    void withoutNotifySocketNothingIsSent() {
        SdNotify notify = SdNotify.of(Optional.empty());

        assertThat(notify.enabled()).isFalse();
        assertThat(notify.ready("up")).isFalse();
        assertThat(SdNotify.of(Optional.of(" ")).enabled()).isFalse();
    }

    @Test
    void aSocketThatIsGoneFailsTheSendWithoutThrowing() {
        SdNotify notify = SdNotify.of(Optional.of(dir.resolve("nobody-listens").toString()));

        assertThat(notify.enabled()).isTrue();
        assertThat(notify.ready("up")).isFalse();
        assertThat(notify.ready("again")).isFalse();
    }
}
