package dev.pointsman.check;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import java.util.Objects;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every checker of a process shares: the event loops (owned by the caller) and the channel
 * class to probe with, plus the small thread pool that runs the blocking SQL role probes (owned
 * here, stopped by {@link #close()}).
 */
public final class CheckEnvironment implements AutoCloseable {
    /** Default number of threads for SQL role probes. */
    public static final int DEFAULT_SQL_THREADS = 4;

    private final EventLoopGroup group;
    private final Class<? extends Channel> channelClass;
    private final ThreadPoolExecutor sql;

    private CheckEnvironment(EventLoopGroup group, Class<? extends Channel> channelClass, int sqlThreads) {
        this.group = Objects.requireNonNull(group, "group");
        this.channelClass = Objects.requireNonNull(channelClass, "channelClass");
        if (sqlThreads < 1) {
            throw new IllegalArgumentException("sqlThreads: " + sqlThreads + " (expected: >= 1)");
        }
        AtomicInteger n = new AtomicInteger();
        this.sql = new ThreadPoolExecutor(sqlThreads, sqlThreads, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(256),
                r -> {
                    Thread t = new Thread(r, "pointsman-sql-check-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        this.sql.allowCoreThreadTimeOut(true);
    }

    /**
     * @param group        event loops for the checkers and their connections, e.g. a
     *                     {@code MultiThreadIoEventLoopGroup} with an NIO or epoll handler
     * @param channelClass the matching socket channel class ({@code NioSocketChannel}, {@code EpollSocketChannel})
     */
    public static CheckEnvironment create(EventLoopGroup group, Class<? extends Channel> channelClass) {
        return new CheckEnvironment(group, channelClass, DEFAULT_SQL_THREADS);
    }

    public static CheckEnvironment create(EventLoopGroup group, Class<? extends Channel> channelClass, int sqlThreads) {
        return new CheckEnvironment(group, channelClass, sqlThreads);
    }

    EventLoop nextLoop() {
        return group.next();
    }

    Class<? extends Channel> channelClass() {
        return channelClass;
    }

    Executor sqlExecutor() {
        return sql;
    }

    /** Stops the SQL probe threads; the event loop group stays the caller's to shut down. */
    @Override
    public void close() {
        sql.shutdownNow();
    }
}
