package dev.pointsman.check;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.concurrent.Executor;
import java.util.function.Supplier;

/** Picks the probe for a backend's {@link HealthCheck.Type}; every probe goes to {@link ServerConfig#checkAddress()}. */
final class Probes {
    private Probes() {}

    static Probe create(Proxy backend, ServerConfig server, EventLoop loop, Class<? extends Channel> channelClass,
                        Executor sqlExecutor) {
        HealthCheck check = backend.check();
        ProbeTimeouts timeouts = ProbeTimeouts.of(backend.timeouts(), server.inter());
        Supplier<InetSocketAddress> target = server::checkAddress;
        return switch (check.type()) {
            case TCP -> new NettyProbe(loop, channelClass, target, timeouts, null);
            case HTTP -> {
                new HttpJudge(check.http(), check.patroni()); // fails now on a bad expect pattern
                yield new NettyProbe(loop, channelClass, target, timeouts,
                        () -> new HttpConversation(check, target.get()));
            }
            case PGSQL -> {
                String user = check.pgsqlUser().orElseThrow(() -> new IllegalArgumentException(
                        "backend " + backend.name() + ": option pgsql-check needs 'user <name>'"));
                yield new NettyProbe(loop, channelClass, target, timeouts, () -> new PgsqlConversation(user));
            }
            case PGSQL_ROLE -> new SqlRoleProbe(sqlExecutor, target, check.roleCheck().orElseThrow(
                    () -> new IllegalArgumentException("backend " + backend.name()
                            + ": option pgsql-role-check needs 'user <name>'")), timeouts);
        };
    }
}
