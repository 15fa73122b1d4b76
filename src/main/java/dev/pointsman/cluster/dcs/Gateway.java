package dev.pointsman.cluster.dcs;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/** The two calls Pointsman makes to etcd's v3 JSON gateway, and resolving an endpoint off the loop. */
final class Gateway {
    /** Host-name lookups block: they run here, never on an event loop. */
    private static final Executor RESOLVER = new ThreadPoolExecutor(0, 2, 10, TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(), new DefaultThreadFactory("pointsman-dcs-resolve", true));

    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final Duration connectTimeout;

    Gateway(EventLoop loop, Class<? extends Channel> channelClass, Duration connectTimeout) {
        this.loop = loop;
        this.channelClass = channelClass;
        this.connectTimeout = connectTimeout;
    }

    /** {@code POST /v3/kv/range} of one key: exactly one of {@code ok} or {@code failed}, on the loop. */
    HttpStream range(URI uri, InetSocketAddress address, String key, Consumer<EtcdJson.Range> ok,
                     Consumer<String> failed) {
        StringBuilder body = new StringBuilder();
        return HttpStream.open(loop, channelClass, address, authority(uri), "/v3/kv/range", EtcdJson.rangeRequest(key),
                false, connectTimeout, new HttpStream.Sink() {
                    @Override
                    public void line(String line) {
                        body.append(line);
                    }

                    @Override
                    public void end() {
                        EtcdJson.Range range;
                        try {
                            range = EtcdJson.range(body.toString());
                        } catch (EtcdJson.BadAnswer e) {
                            failed.accept(e.getMessage());
                            return;
                        }
                        ok.accept(range);
                    }

                    @Override
                    public void failed(String reason) {
                        failed.accept(reason);
                    }
                });
    }

    /** {@code POST /v3/watch} of one key from {@code startRevision}; its lines go to {@code sink}. */
    HttpStream watch(URI uri, InetSocketAddress address, String key, long startRevision, HttpStream.Sink sink) {
        return HttpStream.open(loop, channelClass, address, authority(uri), "/v3/watch",
                EtcdJson.watchCreate(key, startRevision), true, connectTimeout, sink);
    }

    /** An IP literal at once; a host name looked up off the loop. */
    static CompletableFuture<InetSocketAddress> resolve(URI uri) {
        String host = uri.getHost().startsWith("[") ? uri.getHost().substring(1, uri.getHost().length() - 1)
                : uri.getHost();
        byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
        if (literal != null) {
            try {
                return CompletableFuture.completedFuture(new InetSocketAddress(InetAddress.getByAddress(literal),
                        uri.getPort()));
            } catch (UnknownHostException e) {
                return CompletableFuture.failedFuture(e);
            }
        }
        return CompletableFuture.supplyAsync(() -> {
            try {
                return new InetSocketAddress(InetAddress.getByName(host), uri.getPort());
            } catch (UnknownHostException e) {
                throw new CompletionException(e);
            }
        }, RESOLVER);
    }

    /** What went wrong in a resolution, without the wrappers. */
    static String describe(Throwable error) {
        Throwable cause = error;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return HttpStream.describe(cause);
    }

    private static String authority(URI uri) {
        return uri.getHost() + ":" + uri.getPort();
    }
}
