package dev.pointsman.runtime;

import dev.pointsman.config.LogTarget.Level;
import dev.pointsman.config.Proxy;
import dev.pointsman.log.AccessLog;
import dev.pointsman.log.ProxyLog;
import dev.pointsman.log.TcpLogFormat;
import dev.pointsman.log.TcpLogRecord;
import java.net.InetSocketAddress;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a frontend's sessions are logged. Pointsman's own stderr log ({@code access} logger)
 * gets the tcplog line only when asked ({@code POINTSMAN_ACCESS_LOG=INFO}: it costs about a tenth
 * of the CPU of a short session, see docs/BENCHMARKS.md); the frontend's {@code log} targets get what HAProxy
 * would send: with {@code option tcplog} the tcplog line at the end (level info), without it
 * {@code Connect from ip:port to ip:port (frontend/TCP)} at accept. {@code option dontlognull}
 * skips sessions that received no byte from the client, on both.
 */
final class AccessLogs {
    private static final Logger ACCESS = LoggerFactory.getLogger("access");

    private AccessLogs() {}

    static AccessLog of(Proxy frontend, ProxyLog log) {
        boolean tcplog = frontend.tcplog();
        boolean dontlognull = frontend.dontlognull();
        return new AccessLog() {
            @Override
            public void log(TcpLogRecord record) {
                if (dontlognull && record.bytesFromClient() == 0) {
                    return;
                }
                boolean toTargets = tcplog && log.enabled(Level.INFO);
                if (!toTargets && !ACCESS.isInfoEnabled()) {
                    return;
                }
                String line = TcpLogFormat.format(record);
                ACCESS.info(line);
                if (toTargets) {
                    log.log(Level.INFO, line);
                }
            }

            @Override
            public void connected(InetSocketAddress client, InetSocketAddress local, String name) {
                if (!tcplog && log.enabled(Level.INFO)) {
                    log.log(Level.INFO, "Connect from " + hostPort(client) + " to " + hostPort(local)
                            + " (" + name + "/TCP)");
                }
            }
        };
    }

    private static String hostPort(InetSocketAddress a) {
        return a == null ? "-:-" : a.getAddress().getHostAddress() + ":" + a.getPort();
    }
}
