package dev.pointsman.testing;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.SessionPolicy;
import dev.pointsman.config.Proxy;
import dev.pointsman.frontend.ConnectionGate;
import dev.pointsman.frontend.Frontend;
import dev.pointsman.log.TcpLogRecord;
import dev.pointsman.net.Transport;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.SingleThreadEventExecutor;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * One frontend + backend pair of a {@code listen} proxy on 127.0.0.1:0 over two event loops, with its
 * tcplog records collected; each address bound once per loop (SO_REUSEPORT) where the transport can,
 * as Pointsman does without {@code noreuseport}.
 */
public final class ProxyHarness implements AutoCloseable {
    public final Backend backend;
    public final Frontend frontend;
    public final ConnectionGate gate;
    public final List<TcpLogRecord> records = new CopyOnWriteArrayList<>();
    public final EventLoopGroup group;

    private ProxyHarness(Proxy proxy, int globalMaxconn, Transport transport, boolean reusePort) throws Exception {
        group = transport.newGroup(2, "test-proxy");
        backend = new Backend(proxy, System::nanoTime, group.next());
        gate = new ConnectionGate(globalMaxconn);
        frontend = new Frontend(proxy, backend,
                SessionPolicy.of(proxy, proxy, transport.socketChannel(), records::add), gate);
        frontend.bind(transport, group, reusePort);
    }

    public static ProxyHarness start(Proxy proxy) throws Exception {
        return new ProxyHarness(proxy, 10_000, Transport.best(), true);
    }

    public static ProxyHarness start(Proxy proxy, int globalMaxconn) throws Exception {
        return new ProxyHarness(proxy, globalMaxconn, Transport.best(), true);
    }

    public static ProxyHarness start(Proxy proxy, Transport transport) throws Exception {
        return new ProxyHarness(proxy, 10_000, transport, true);
    }

    /** @param reusePort false as with the global {@code noreuseport}: one socket per address */
    public static ProxyHarness start(Proxy proxy, Transport transport, boolean reusePort) throws Exception {
        return new ProxyHarness(proxy, 10_000, transport, reusePort);
    }

    /** The transport a parameterized test names: {@code nio}, {@code io_uring} (where it loads), else {@link Transport#best()}. */
    public static Transport transport(String name) {
        return switch (name) {
            case "nio" -> Transport.nio();
            case "io_uring" -> Transport.ioUring().orElseThrow();
            default -> Transport.best();
        };
    }

    /** CPU time the proxy's event loop threads have used so far, in nanoseconds. */
    public long loopCpuNanos() {
        long sum = 0;
        for (EventExecutor e : group) {
            long id = ((SingleThreadEventExecutor) e).threadProperties().id();
            sum += Math.max(0, ManagementFactory.getThreadMXBean().getThreadCpuTime(id));
        }
        return sum;
    }

    public int port() {
        return frontend.boundAddresses().get(0).getPort();
    }

    public Socket connect() throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port());
        s.setSoTimeout(10_000);
        return s;
    }

    public TcpLogRecord lastRecord() {
        return records.get(records.size() - 1);
    }

    @Override
    public void close() {
        frontend.stopAccepting();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
