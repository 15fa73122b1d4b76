package dev.pointsman.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.check.HealthChecker;
import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigException;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.TestServer;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/** Reload in place against a running proxy: what a reload keeps, adds and removes. */
class ReloadTest {

    private final ListAppender<ILoggingEvent> logs = new ListAppender<>();

    @BeforeEach
    void capture() {
        logs.start();
        ((Logger) LoggerFactory.getLogger("health")).addAppender(logs);
        ((Logger) LoggerFactory.getLogger("pointsman")).addAppender(logs);
    }

    @AfterEach
    void release() {
        ((Logger) LoggerFactory.getLogger("health")).detachAppender(logs);
        ((Logger) LoggerFactory.getLogger("pointsman")).detachAppender(logs);
    }

    private List<String> lines() {
        return List.copyOf(logs.list).stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    private static Config parse(String sections) throws ConfigException {
        return ConfigParser.system().parse("reload.cfg", """
                defaults
                    mode tcp
                    balance roundrobin
                    timeout connect 1s
                    timeout client 1m
                    timeout server 1m
                    default-server inter 100ms rise 1 fall 1
                """ + sections);
    }

    private static String server(String name, TestServer s, String extra) {
        return "    server " + name + " 127.0.0.1:" + s.address().getPort() + " check " + extra + "\n";
    }

    private static String roundTrip(Socket s, String text) throws IOException {
        s.getOutputStream().write(text.getBytes(StandardCharsets.US_ASCII));
        return new String(s.getInputStream().readNBytes(text.length()), StandardCharsets.US_ASCII);
    }

    private static Socket connect(int port) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), port);
        s.setSoTimeout(5000);
        return s;
    }

    private static List<Integer> ports(Pointsman p, String frontend) {
        return p.frontend(frontend).orElseThrow().boundAddresses().stream().map(a -> a.getPort()).toList();
    }

    @Test
    void aReloadAddingAListenerAndAServerKeepsSessionsStateAndCheckerOfWhatItKeeps() throws Exception {
        try (TestServer a = TestServer.echo(); TestServer b = TestServer.echo()) {
            String before = "listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "");
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse(before)))) {
                Backend db = p.backends().get("db");
                Server sa = db.server("a").orElseThrow();
                await().atMost(Duration.ofSeconds(5)).until(sa::usable);
                HealthChecker checker = p.health().checker(sa).orElseThrow();
                long lastChange = sa.lastChangeNanos();
                int port = ports(p, "db").get(0);
                Socket live = connect(port);
                assertThat(roundTrip(live, "before")).isEqualTo("before");
                logs.list.clear();

                p.reload(EphemeralPorts.of(parse("listen db\n    bind 127.0.0.1:5000\n    bind 127.0.0.1:5001\n"
                        + server("a", a, "weight 3") + server("b", b, ""))));

                // the session through the kept listener and server goes on relaying
                assertThat(roundTrip(live, "after")).isEqualTo("after");
                // the kept server: same object, same state since the same moment, same checker, new weight
                assertThat(db.server("a")).containsSame(sa);
                assertThat(sa.usable()).isTrue();
                assertThat(sa.lastChangeNanos()).isEqualTo(lastChange);
                assertThat(p.health().checker(sa)).containsSame(checker);
                assertThat(sa.weight()).isEqualTo(3);
                // the kept listener is the same socket; the new one accepts
                List<Integer> now = ports(p, "db");
                assertThat(now).hasSize(2).startsWith(port);
                try (Socket fresh = connect(now.get(1))) {
                    assertThat(roundTrip(fresh, "new")).isEqualTo("new");
                }
                // the added server is checked and takes traffic
                Server sb = db.server("b").orElseThrow();
                await().atMost(Duration.ofSeconds(5)).until(sb::usable);
                for (int i = 0; i < 8 && sb.counters().total.sum() == 0; i++) {
                    try (Socket s = connect(port)) {
                        assertThat(roundTrip(s, "rr")).isEqualTo("rr");
                    }
                }
                assertThat(sb.counters().total.sum()).isPositive();
                assertThat(lines()).contains("Reload: listener db added on 127.0.0.1:0", "Reload: server db/b added (DOWN until its checks pass)")
                        .noneMatch(l -> l.contains("Server db/a is"));
                live.close();
            }
        }
    }

    @Test
    void aKeptBackendFollowsThePrimaryOnlyWhileItsCheckMakesItAPrimaryPool() throws Exception {
        try (TestServer a = TestServer.echo()) {
            String primary = "listen db\n    bind 127.0.0.1:5000\n    option httpchk OPTIONS /primary\n" + server("a", a, "");
            String replica = "listen db\n    bind 127.0.0.1:5000\n    option httpchk OPTIONS /replica\n" + server("a", a, "");
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse(primary)))) {
                Backend db = p.backends().get("db");
                await().atMost(Duration.ofSeconds(5)).until(() -> db.primaryChanges().tracked());
                p.reload(EphemeralPorts.of(parse(replica)));
                await().atMost(Duration.ofSeconds(5)).until(() -> !db.primaryChanges().tracked());
                p.reload(EphemeralPorts.of(parse(primary)));
                await().atMost(Duration.ofSeconds(5)).until(() -> db.primaryChanges().tracked());
            }
        }
    }

    @Test
    void aReloadChangingCheckPaceRiseOrTimeoutKeepsServersUpInTheirAdminStateAndWeight() throws Exception {
        try (TestServer a = TestServer.echo(); TestServer b = TestServer.echo()) {
            String servers = server("a", a, "") + server("b", b, "");
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse("listen db\n    bind 127.0.0.1:5000\n" + servers)))) {
                Backend db = p.backends().get("db");
                Server sa = db.server("a").orElseThrow();
                Server sb = db.server("b").orElseThrow();
                await().atMost(Duration.ofSeconds(5)).until(() -> sa.usable() && sb.usable());
                assertThat(db.setAdminState(sb, Server.AdminState.MAINT).get(5, TimeUnit.SECONDS)).isTrue();
                assertThat(db.setWeight(sa, 7).get(5, TimeUnit.SECONDS)).isTrue();
                HealthChecker checker = p.health().checker(sa).orElseThrow();
                long lastChange = sa.lastChangeNanos();
                logs.list.clear();

                p.reload(EphemeralPorts.of(parse("listen db\n    bind 127.0.0.1:5000\n    timeout check 2s\n"
                        + "    default-server inter 150ms rise 2 fall 2\n" + servers)));

                // the same servers, in the same states since the same moment, with the runtime API's changes
                assertThat(db.server("a")).containsSame(sa);
                assertThat(db.server("b")).containsSame(sb);
                assertThat(sa.usable()).isTrue();
                assertThat(sa.lastChangeNanos()).isEqualTo(lastChange);
                assertThat(sa.weight()).isEqualTo(7);
                assertThat(sb.adminState()).isEqualTo(Server.AdminState.MAINT);
                assertThat(sb.opState()).isEqualTo(Server.OpState.UP);
                // a new checker with the new rise and fall, started from the old one's state
                HealthChecker now = p.health().checker(sa).orElseThrow();
                assertThat(now).isNotSameAs(checker);
                assertThat(now.state().rise()).isEqualTo(2);
                assertThat(now.state().up()).isTrue();
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2)).until(sa::usable);
                assertThat(lines()).noneMatch(l -> l.contains("Server db/a is") || l.contains("Server db/b is"));
            }
        }
    }

    @Test
    void aRemovedListenerStopsAcceptingWhileItsSessionLivesOn() throws Exception {
        try (TestServer a = TestServer.echo()) {
            String one = "listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "");
            String two = "listen db\n    bind 127.0.0.1:5000\n    bind 127.0.0.1:5001\n" + server("a", a, "");
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse(two)))) {
                await().atMost(Duration.ofSeconds(5)).until(() -> p.backends().get("db").activeUsable() == 1);
                int dropped = ports(p, "db").get(1);
                Socket live = connect(dropped);
                assertThat(roundTrip(live, "x")).isEqualTo("x");

                p.reload(EphemeralPorts.of(parse(one)));

                assertThat(ports(p, "db")).hasSize(1).doesNotContain(dropped);
                assertThatThrownBy(() -> connect(dropped).close()).isInstanceOf(ConnectException.class);
                assertThat(roundTrip(live, "still")).isEqualTo("still");
                live.close();
            }
        }
    }

    @Test
    void aRemovedServerEndsItsSessionsOnlyWithShutdownSessions() throws Exception {
        try (TestServer a = TestServer.echo(); TestServer b = TestServer.echo(); TestServer c = TestServer.echo()) {
            String all = "listen db\n    bind 127.0.0.1:5000\n    balance first\n"
                    + server("a", a, "maxconn 1 on-marked-down shutdown-sessions") + server("b", b, "maxconn 1")
                    + server("c", c, "");
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse(all)))) {
                await().atMost(Duration.ofSeconds(5)).until(() -> p.backends().get("db").activeUsable() == 3);
                int port = ports(p, "db").get(0);
                Socket onA = connect(port);
                assertThat(roundTrip(onA, "a")).isEqualTo("a");
                Socket onB = connect(port);
                assertThat(roundTrip(onB, "b")).isEqualTo("b");
                // balance first: a takes the first session (maxconn 1), b the second
                Backend db = p.backends().get("db");
                assertThat(db.server("a").orElseThrow().sessions()).isEqualTo(1);
                assertThat(db.server("b").orElseThrow().sessions()).isEqualTo(1);

                p.reload(EphemeralPorts.of(parse("listen db\n    bind 127.0.0.1:5000\n    balance first\n"
                        + server("c", c, ""))));

                assertThat(onA.getInputStream().read()).as("cut: on-marked-down shutdown-sessions").isEqualTo(-1);
                assertThat(roundTrip(onB, "still")).isEqualTo("still");
                assertThat(p.backends().get("db").servers()).extracting(Server::name).containsExactly("c");
                assertThat(lines()).contains(
                        "Reload: server db/a removed: 1 sessions cut (on-marked-down shutdown-sessions)",
                        "Reload: server db/b removed: 1 sessions go on to their end");
                onA.close();
                onB.close();
            }
        }
    }

    @Test
    void anAddedSectionGetsItsListenerBackendAndChecks() throws Exception {
        try (TestServer a = TestServer.echo(); TestServer b = TestServer.echo()) {
            String one = "listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "");
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse(one)))) {
                p.reload(EphemeralPorts.of(parse(one + "listen replicas\n    bind 127.0.0.1:5001\n"
                        + server("b", b, ""))));

                Backend replicas = p.backends().get("replicas");
                assertThat(p.backends().keySet()).containsExactly("db", "replicas");
                await().atMost(Duration.ofSeconds(5)).until(() -> replicas.activeUsable() == 1);
                try (Socket s = connect(ports(p, "replicas").get(0))) {
                    assertThat(roundTrip(s, "r")).isEqualTo("r");
                }
                assertThat(replicas.server("b").orElseThrow().counters().total.sum()).isEqualTo(1);
                assertThat(p.stats().csv()).contains("replicas,b,");
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket free = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return free.getLocalPort();
        }
    }

    /**
     * listen db on 127.0.0.1, reloaded with {@code section} on {@code host} at the same port: the
     * reload is refused with {@code message} (given the port), and db goes on serving there.
     */
    private void assertMoveRefused(String section, String host, java.util.function.IntFunction<String> message)
            throws Exception {
        int port = freePort();
        try (TestServer a = TestServer.echo()) {
            Config running = listenOn("db", "127.0.0.1", port, a);
            try (Pointsman p = Pointsman.start(running)) {
                Config moved = listenOn(section, host, port, a);
                assertThatThrownBy(() -> p.reload(moved)).isInstanceOf(BindFailedException.class)
                        .hasMessage(message.apply(port));
                assertThat(p.config()).isSameAs(running);
                assertThat(p.frontends()).extracting(dev.pointsman.frontend.Frontend::name).containsExactly("db");
                await().atMost(Duration.ofSeconds(5)).until(() -> p.backends().get("db").activeUsable() == 1);
                try (Socket s = connect(port)) {
                    assertThat(roundTrip(s, "still")).isEqualTo("still");
                }
            }
        }
    }

    /** A {@code listen} section bound on {@code host:port} with server a. */
    private static Config listenOn(String section, String host, int port, TestServer a) throws ConfigException {
        return parse("listen " + section + "\n    bind " + host + ":" + port + "\n" + server("a", a, ""));
    }

    @Test
    void renamingAListenSectionOnTheSameAddressIsRefusedWithAClearReasonAndTheOldOneGoesOn() throws Exception {
        assertMoveRefused("primary", "127.0.0.1", port -> "[reload.cfg:9] : 'primary': address 127.0.0.1:" + port
                + " is used by section 'db' being removed; a reload cannot move an address between sections, restart instead");
    }

    @Test
    void respellingABoundHostIsRefusedWithAClearReasonAndTheOldAddressGoesOn() throws Exception {
        for (String host : List.of("localhost", "*")) {
            assertMoveRefused("db", host, port -> "[reload.cfg:9] : 'db': address " + host + ":" + port
                    + " overlaps 127.0.0.1:" + port + ", which it still listens on; a reload cannot rebind an address"
                    + " under another spelling, restart instead");
        }
    }

    @Test
    void aBindThatFailsRefusesTheWholeReloadAndClosesWhatItBound() throws Exception {
        try (TestServer a = TestServer.echo(); TestServer b = TestServer.echo();
             ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            String one = "listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "");
            Config running = EphemeralPorts.of(parse(one));
            try (Pointsman p = Pointsman.start(running)) {
                Config broken = parse("listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "") + server("b", b, "")
                        + "listen other\n    bind 127.0.0.1:" + taken.getLocalPort() + "\n" + server("c", b, ""));
                // db keeps its port-0 bind; 'other' cannot bind the taken port
                Config next = new Config(broken.global(), List.of(withServers(running, broken), broken.proxies().get(1)),
                        broken.notices());

                assertThatThrownBy(() -> p.reload(next)).isInstanceOf(BindFailedException.class)
                        .hasMessageContaining("reload.cfg:").hasMessageContaining("'other'");

                assertThat(p.config()).isSameAs(running);
                assertThat(p.backends().keySet()).containsExactly("db");
                assertThat(p.backends().get("db").servers()).extracting(Server::name).containsExactly("a");
                assertThat(p.frontend("other")).isEmpty();
            }
        }
    }

    /** db of {@code running} (port-0 bind) with the servers of db in {@code next}. */
    private static dev.pointsman.config.Proxy withServers(Config running, Config next) {
        dev.pointsman.config.Proxy r = running.proxy("db").orElseThrow();
        dev.pointsman.config.Proxy n = next.proxy("db").orElseThrow();
        return new dev.pointsman.config.Proxy(r.name(), r.source(), r.capabilities(), r.mode(), r.binds(), r.maxconn(), r.backlog(),
                r.defaultBackend(), r.balance(), r.retries(), r.redispatch(), r.timeouts(), r.tcplog(), r.dontlognull(),
                r.clientKeepalive(), r.serverKeepalive(), r.logs(), r.logTag(), r.check(), n.servers(), r.stats(),
                r.patroniView(), r.dcs());
    }

    @Test
    void aBrokenFileIsRefusedWithItsLineAndTheRunningConfigurationGoesOn() throws Exception {
        try (TestServer a = TestServer.echo()) {
            String one = "listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "");
            Config running = EphemeralPorts.of(parse(one));
            try (Pointsman p = Pointsman.start(running);
                 Reloader reloader = new Reloader(p, () -> parse(one + "    rise 0\n"), "reload.cfg")) {
                await().atMost(Duration.ofSeconds(5)).until(() -> p.backends().get("db").activeUsable() == 1);

                assertThat(reloader.request().get(5, TimeUnit.SECONDS)).isFalse();

                assertThat(p.config()).isSameAs(running);
                try (Socket s = connect(ports(p, "db").get(0))) {
                    assertThat(roundTrip(s, "ok")).isEqualTo("ok");
                }
                // defaults take 7 lines, then 'listen db', bind, server: the broken line is the 11th
                assertThat(lines()).anyMatch(l -> l.startsWith("Reload refused: parsing [reload.cfg:11]")
                        && l.endsWith("; the running configuration goes on"));
            }
        }
    }

    /** What the reloader told systemd, in order. */
    private static final class Told implements Reloader.Notifier {
        final List<String> said = new java.util.concurrent.CopyOnWriteArrayList<>();

        @Override
        public void reloading() {
            said.add("RELOADING");
        }

        @Override
        public void ready(String status) {
            said.add("READY " + status);
        }
    }

    @Test
    void aReloadThatFailsUnexpectedlyIsLoggedAndSystemdHearsReadyAgain() throws Exception {
        try (TestServer a = TestServer.echo()) {
            String one = "listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "");
            Told told = new Told();
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse(one)));
                 Reloader reloader = new Reloader(p, () -> {
                     throw new IllegalStateException("a defect");
                 }, "reload.cfg", told)) {
                assertThat(reloader.request().get(5, TimeUnit.SECONDS)).isFalse();

                assertThat(told.said).containsExactly("RELOADING", "READY reload refused; the running configuration goes on");
                assertThat(lines()).contains("Reload failed: java.lang.IllegalStateException: a defect; the running configuration goes on");
            }
        }
    }

    @Test
    void aReloadOvertakenByAStopIsNeitherAppliedNorFollowedByReady() throws Exception {
        try (TestServer a = TestServer.echo()) {
            String one = "listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "");
            Told told = new Told();
            CountDownLatch reading = new CountDownLatch(1);
            CountDownLatch stopped = new CountDownLatch(1);
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse(one)));
                 Reloader reloader = new Reloader(p, () -> {
                     reading.countDown();
                     awaitQuietly(stopped);
                     return EphemeralPorts.of(parse(one + server("b", a, "")));
                 }, "reload.cfg", told)) {
                CompletableFuture<Boolean> reload = reloader.request();
                assertThat(reading.await(5, TimeUnit.SECONDS)).isTrue();
                p.stop(java.util.Optional.of(Duration.ZERO));
                stopped.countDown();

                assertThat(reload.get(5, TimeUnit.SECONDS)).isFalse();
                assertThat(told.said).containsExactly("RELOADING");
                assertThat(lines()).noneMatch(l -> l.startsWith("Configuration reloaded"))
                        .contains("Reload dropped: the proxy is stopping");
                assertThat(p.backends().get("db").servers()).extracting(Server::name).containsExactly("a");
            }
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Test
    void aRequestDuringAReloadQueuesOneMoreAndRequestsMeanwhileShareIt() throws Exception {
        try (TestServer a = TestServer.echo(); TestServer b = TestServer.echo()) {
            String one = "listen db\n    bind 127.0.0.1:5000\n" + server("a", a, "");
            String two = one + server("b", b, "");
            AtomicInteger reads = new AtomicInteger();
            CountDownLatch firstReading = new CountDownLatch(1);
            CountDownLatch letFirstGo = new CountDownLatch(1);
            try (Pointsman p = Pointsman.start(EphemeralPorts.of(parse(one)));
                 Reloader reloader = new Reloader(p, () -> {
                     if (reads.incrementAndGet() == 1) {
                         firstReading.countDown();
                         awaitQuietly(letFirstGo);
                         return EphemeralPorts.of(parse(one));
                     }
                     return EphemeralPorts.of(parse(two));
                 }, "reload.cfg")) {
                CompletableFuture<Boolean> first = reloader.request();
                assertThat(firstReading.await(5, TimeUnit.SECONDS)).isTrue();
                CompletableFuture<Boolean> second = reloader.request();
                CompletableFuture<Boolean> third = reloader.request();
                assertThat(third).isSameAs(second);
                letFirstGo.countDown();

                assertThat(first.get(5, TimeUnit.SECONDS)).isTrue();
                assertThat(second.get(5, TimeUnit.SECONDS)).isTrue();
                assertThat(reads.get()).isEqualTo(2);
                assertThat(p.backends().get("db").servers()).extracting(Server::name).containsExactly("a", "b");
            }
        }
    }
}
