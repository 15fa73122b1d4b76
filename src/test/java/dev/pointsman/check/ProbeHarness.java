package dev.pointsman.check;

import static org.awaitility.Awaitility.await;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.config.Timeouts;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/** Runs real probes on a real event loop against real sockets. */
final class ProbeHarness implements AutoCloseable {
    final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

    Probe probe(HealthCheck check, InetSocketAddress target, Timeouts timeouts, Duration inter) {
        ServerConfig server = TestConfigs.server("pg-1", target, inter, 2, 3);
        Proxy backend = TestConfigs.backend("primary", check, timeouts, List.of(server));
        return Probes.create(backend, server, group.next(), NioSocketChannel.class,
                Executors.newSingleThreadExecutor(r -> {
                    Thread t = new Thread(r, "sql-test");
                    t.setDaemon(true);
                    return t;
                }));
    }

    Probe probe(HealthCheck check, InetSocketAddress target) {
        return probe(check, target, TestConfigs.timeouts(Duration.ofSeconds(2), Duration.ofSeconds(2)),
                Duration.ofSeconds(2));
    }

    static ProbeOutcome run(Probe probe) {
        CompletableFuture<ProbeOutcome> done = new CompletableFuture<>();
        probe.start(done::complete);
        await().atMost(Duration.ofSeconds(10)).until(done::isDone);
        return done.join();
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 1, java.util.concurrent.TimeUnit.SECONDS).syncUninterruptibly();
    }
}
