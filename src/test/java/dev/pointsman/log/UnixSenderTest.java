package dev.pointsman.log;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** {@code log /dev/log}: a unix datagram socket, received here by a socket bound in a temporary folder. */
class UnixSenderTest {
    @Test
    void eachLineArrivesAsOneDatagramCutToTheTargetLength() throws Exception {
        assumeTrue(UnixSender.available(), "epoll (Linux) is needed for unix datagram sockets");
        Path dir = Files.createTempDirectory("pointsman-log");
        Path socket = dir.resolve("log.sock");
        List<String> got = new CopyOnWriteArrayList<>();
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            Channel receiver = new Bootstrap().group(group).channel(EpollDomainDatagramChannel.class)
                    .handler(new SimpleChannelInboundHandler<DomainDatagramPacket>() {
                        @Override
                        protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                            got.add(p.content().toString(StandardCharsets.UTF_8));
                        }
                    }).bind(new DomainSocketAddress(socket.toString())).sync().channel();
            UnixSender sender = new UnixSender(socket.toString());

            String header = "<150>Jan  5 09:04:02 pointsman[42]: ";
            sender.send(header + "hello", 1024);
            sender.send(header + "x".repeat(200), 80);

            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> got.size() == 2);
            assertThat(got).containsExactly(header + "hello", header + "x".repeat(80 - header.length()));
            sender.close();
            receiver.close().sync();
        } finally {
            group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).sync();
            Files.deleteIfExists(socket);
            Files.deleteIfExists(dir);
        }
    }
}
