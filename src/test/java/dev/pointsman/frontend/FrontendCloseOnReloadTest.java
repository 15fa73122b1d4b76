package dev.pointsman.frontend;

import static dev.pointsman.testing.BusyLoop.block;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.TestServer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * A reload that closes listening sockets returns once they are closed, at most 1 s each, and says
 * so when that bound runs out. From the adversarial review of the admin branch: a removed frontend
 * (stopAccepting) was not waited for at all, and a dropped address of a kept frontend was reported
 * "closed" when the bound had run out.
 */
class FrontendCloseOnReloadTest {
    static final String HEAD = "global\ndefaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1m\n    timeout server 1m\n";

    static boolean inStopAccepting(Thread t) {
        return Arrays.stream(t.getStackTrace()).anyMatch(f -> f.getClassName().equals(Frontend.class.getName())
                && f.getMethodName().equals("stopAccepting"));
    }

    @Test
    void aReloadRemovingAFrontendReturnsOnceItsPortIsClosed() throws Exception {
        try (TestServer a = TestServer.echo()) {
            String srv = "    server a 127.0.0.1:" + a.address().getPort() + "\n";
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(ConfigParser.system().parse("r.cfg",
                    HEAD + "listen gone\n    bind 127.0.0.1:1\n" + srv)))) {
                Frontend gone = p.frontend("gone").orElseThrow();
                int port = gone.boundAddresses().get(0).getPort();
                CountDownLatch release = block(gone.listeners().get(0).channel().eventLoop());
                var next = EphemeralPorts.of(ConfigParser.system().parse("r.cfg", HEAD + "backend other\n" + srv));
                Thread reload = new Thread(() -> {
                    try {
                        p.reload(next);
                    } catch (BindFailedException e) {
                        throw new IllegalStateException(e);
                    }
                }, "test-reload");
                boolean returnedWhileStillOpen;
                try {
                    reload.start();
                    await().atMost(Duration.ofSeconds(5)).until(() -> !reload.isAlive() || inStopAccepting(reload));
                    returnedWhileStillOpen = !reload.isAlive();
                } finally {
                    release.countDown();
                }
                reload.join(5000);

                assertThat(returnedWhileStillOpen).as("reload() returned while the loop had not closed the port").isFalse();
                assertThat(reload.isAlive()).isFalse();
                assertThatThrownBy(() -> new Socket(InetAddress.getLoopbackAddress(), port).close())
                        .isInstanceOf(IOException.class);
            }
        }
    }

    @Test
    void aDroppedAddressNotClosedWithinTheBoundIsWarnedNotReportedClosed() throws Exception {
        Logger log = (Logger) LoggerFactory.getLogger("pointsman");
        ListAppender<ILoggingEvent> app = new ListAppender<>();
        app.start();
        log.addAppender(app);
        try (TestServer echo = TestServer.echo()) {
            String srv = "    server a 127.0.0.1:" + echo.address().getPort() + "\n";
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(ConfigParser.system().parse("r.cfg",
                    HEAD + "listen db\n    bind 127.0.0.1:1\n    bind 127.0.0.1:2\n" + srv)))) {
                Frontend db = p.frontend("db").orElseThrow();
                int dropped = db.boundAddresses().get(1).getPort();
                Listener l = db.listeners().stream().filter(x -> ((InetSocketAddress) x.channel().localAddress())
                        .getPort() == dropped).findFirst().orElseThrow();
                Assumptions.assumeTrue(l.channel().eventLoop() != p.backends().get("db").owner(), "shared owner");
                CountDownLatch release = block(l.channel().eventLoop());
                try {
                    p.reload(EphemeralPorts.of(ConfigParser.system().parse("r.cfg", HEAD + "listen db\n    bind 127.0.0.1:1\n" + srv)));
                } finally {
                    release.countDown();
                }

                assertThat(app.list).anySatisfy(e -> {
                    assertThat(e.getLevel()).isEqualTo(Level.WARN);
                    assertThat(e.getFormattedMessage()).contains(":" + dropped).contains("not closed");
                });
                assertThat(app.list).noneSatisfy(e -> assertThat(e.getFormattedMessage())
                        .contains("closed on").contains(":" + dropped));
            }
        } finally {
            log.detachAppender(app);
        }
    }
}
