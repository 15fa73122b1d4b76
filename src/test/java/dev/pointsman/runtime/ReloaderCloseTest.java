package dev.pointsman.runtime;

import static dev.pointsman.testing.BusyLoop.block;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.backend.Backend;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.TestServer;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * A stop (SIGTERM, SIGUSR1: the shutdown hook closes the reloader first) during a reload lets the
 * reload finish instead of interrupting it half way. From the adversarial review of the admin
 * branch: before the fix close() interrupted the reload thread, backend a was left on leastconn,
 * backend b and the configuration on roundrobin.
 */
class ReloaderCloseTest {
    static String cfg(int echo, String balance) {
        return "global\n    nbthread 4\ndefaults\n    mode tcp\n    timeout connect 1s\n    timeout client 1m\n    timeout server 1m\n"
                + "listen a\n    bind 127.0.0.1:1\n    balance " + balance + "\n    server s 127.0.0.1:" + echo + "\n"
                + "listen b\n    bind 127.0.0.1:2\n    balance " + balance + "\n    server s 127.0.0.1:" + echo + "\n";
    }

    @Test
    void closingTheReloaderDuringAReloadLetsItFinishWhole() throws Exception {
        try (TestServer echo = TestServer.echo();
             Pointsman p = Pointsman.start(EphemeralPorts.of(ConfigParser.system().parse("r.cfg",
                     cfg(echo.address().getPort(), "roundrobin"))))) {
            Backend a = p.backends().get("a");
            Backend b = p.backends().get("b");
            Assumptions.assumeTrue(a.owner() != b.owner(), "a and b share an owner");
            CountDownLatch reloading = new CountDownLatch(1);
            Reloader reloader = new Reloader(p, () -> EphemeralPorts.of(ConfigParser.system().parse("r.cfg",
                    cfg(echo.address().getPort(), "leastconn"))), "r.cfg", new Reloader.Notifier() {
                        @Override
                        public void reloading() {
                            reloading.countDown();
                        }

                        @Override
                        public void ready(String status) {
                        }
                    });
            CountDownLatch release = block(b.owner());
            Thread closer;
            CompletableFuture<Boolean> reloaded;
            try {
                reloaded = reloader.request();
                assertThat(reloading.await(5, TimeUnit.SECONDS)).isTrue();
                closer = new Thread(reloader::close, "test-closer");
                closer.start();
                // close() either waits for the reload (fixed) or has returned at once (interrupting it)
                await().atMost(Duration.ofSeconds(5)).until(() -> closer.getState() == Thread.State.TIMED_WAITING
                        || closer.getState() == Thread.State.WAITING || !closer.isAlive());
            } finally {
                release.countDown();
            }
            closer.join(10_000);

            assertThat(closer.isAlive()).isFalse();
            assertThat(reloaded.get(5, TimeUnit.SECONDS)).as("the reload applied").isTrue();
            assertThat(a.config().balance().toString()).containsIgnoringCase("least");
            assertThat(b.config().balance().toString()).containsIgnoringCase("least");
            assertThat(p.config().proxy("a").orElseThrow().balance().toString()).containsIgnoringCase("least");
        }
    }

    @Test
    void aReloadAskedAfterCloseDoesNotRun() throws Exception {
        try (TestServer echo = TestServer.echo();
             Pointsman p = Pointsman.start(EphemeralPorts.of(ConfigParser.system().parse("r.cfg",
                     cfg(echo.address().getPort(), "roundrobin"))))) {
            Reloader reloader = new Reloader(p, () -> EphemeralPorts.of(ConfigParser.system().parse("r.cfg",
                    cfg(echo.address().getPort(), "leastconn"))), "r.cfg");
            reloader.close();

            assertThat(reloader.request().get(5, TimeUnit.SECONDS)).isFalse();
            assertThat(p.backends().get("a").config().balance().toString()).containsIgnoringCase("round");
        }
    }
}
