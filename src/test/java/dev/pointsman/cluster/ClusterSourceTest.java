package dev.pointsman.cluster;

import static dev.pointsman.cluster.Fixtures.cluster;
import static dev.pointsman.cluster.Fixtures.member;
import static dev.pointsman.cluster.Fixtures.patroni;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.config.PatroniView;
import dev.pointsman.config.Proxy;
import dev.pointsman.testing.FakePatroni;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** End to end on a real event loop against three fake Patroni REST APIs on 127.0.0.1. */
class ClusterSourceTest {
    static final EventLoopGroup GROUP = new MultiThreadIoEventLoopGroup(2, NioIoHandler.newFactory());

    @AfterAll
    static void stop() {
        GROUP.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    final List<ClusterView> views = new CopyOnWriteArrayList<>();

    /** Three Patroni 3.0 nodes, pg-1 the leader on timeline 8; pg-3's lag as given (a JSON value). */
    private static void threeNodes(FakePatroni p1, FakePatroni p2, FakePatroni p3, String pg3Lag) {
        String c = cluster(null,
                member("pg-1", "leader", "running", "127.0.0.1", 15432, p1.port(), 8, null),
                member("pg-2", "replica", "running", "127.0.0.1", 15433, p2.port(), 8, "0"),
                member("pg-3", "replica", "running", "127.0.0.1", 15434, p3.port(), 8, pg3Lag));
        p1.json("/patroni", patroni("master", "running", "pointsman", 8, 5)).json("/cluster", c)
                .json("/history", Fixtures.history());
        for (FakePatroni p : List.of(p2, p3)) {
            p.json("/patroni", patroni("replica", "running", "pointsman", 8, 5)).json("/cluster", c)
                    .json("/history", Fixtures.history());
        }
    }

    @Test
    void discoversAndKeepsTheViewThroughAHangingMember() throws Exception {
        try (FakePatroni p1 = new FakePatroni(); FakePatroni p2 = new FakePatroni(); FakePatroni p3 = new FakePatroni()) {
            // Given three Patroni 3.0 nodes, pg-1 the leader
            threeNodes(p1, p2, p3, "\"unknown\"");
            Proxy backend = Fixtures.backend("/", Fixtures.view(Duration.ofMillis(100), null, null, Duration.ZERO),
                    Fixtures.threeServers(p1.port(), p2.port(), p3.port()));
            // When the source starts
            try (ClusterSource source = ClusterSource.start(backend, GROUP, NioSocketChannel.class,
                    (v, ch) -> views.add(v)).orElseThrow()) {
                // Then it learns the cluster with pg-1 confirmed
                await().atMost(Duration.ofSeconds(5)).until(() -> source.current().isPresent());
                assertThat(source.current().get().leaderStatus().confirmed()).isTrue();
                assertThat(source.scope()).contains("pointsman");
                // When pg-1's /cluster hangs, Then polls move to pg-2 and the view stays fresh
                p1.hang("/cluster");
                long before = p2.count("/cluster");
                await().atMost(Duration.ofSeconds(5)).until(() -> p2.count("/cluster") > before + 3);
                assertThat(source.current().get().stale()).isFalse();
                // the hanging node may still hold the abandoned /cluster connection on its side when
                // the next round asks it for /patroni; the client never has two requests open there
                assertThat(p1.maxConnections()).isLessThanOrEqualTo(2);
                assertThat(List.of(p2.maxConnections(), p3.maxConnections())).allMatch(n -> n <= 1);
            }
        }
    }

    @Test
    void aFrozenLeaderDoesNotTurnTheViewStaleUnderTheReferenceTimeouts() throws Exception {
        try (FakePatroni p1 = new FakePatroni(); FakePatroni p2 = new FakePatroni(); FakePatroni p3 = new FakePatroni()) {
            // Given the reference config's timings (inter 3s, timeout check 5s: view every 1 s, stale after 3 s)
            threeNodes(p1, p2, p3, "0");
            String cfg = """
                    defaults
                        mode tcp
                        timeout connect 4s
                        timeout check 5s
                    listen primary
                        bind 127.0.0.1:1
                        option httpchk
                        http-check expect status 200
                        default-server inter 3s fall 3 rise 2
                        server pg-1 127.0.0.1:15432 check port %d
                        server pg-2 127.0.0.1:15433 check port %d
                        server pg-3 127.0.0.1:15434 check port %d
                    """.formatted(p1.port(), p2.port(), p3.port());
            Proxy backend = dev.pointsman.config.parse.ConfigParser.system().parse("t.cfg", cfg).proxy("primary")
                    .orElseThrow();
            try (ClusterSource source = ClusterSource.start(backend, GROUP, NioSocketChannel.class,
                    (v, ch) -> views.add(v)).orElseThrow()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> source.current().isPresent());
                assertThat(source.current().get().leaderStatus().confirmed()).isTrue();

                // When the leader freezes whole (its REST API accepts and never answers)
                p1.hang("/cluster").hang("/patroni").hang("/history");
                views.clear();
                await().pollDelay(Duration.ofSeconds(7)).atMost(Duration.ofSeconds(8)).until(() -> true);

                // Then the other members keep the view fresh: it never went stale, and it says that
                // the leader's own /patroni is unanswered (checks decide for it)
                assertThat(views).noneMatch(ClusterView::stale);
                assertThat(source.current().get().stale()).isFalse();
                assertThat(source.current().get().leaderStatus().error()).isNotNull();
            }
        }
    }

    @Test
    void garbageFromEveryMemberTurnsTheViewStaleAndChecksDecide() throws Exception {
        try (FakePatroni p1 = new FakePatroni()) {
            String c = cluster(null, member("pg-1", "leader", "running", "127.0.0.1", 15432, p1.port(), 8, null));
            p1.json("/patroni", patroni("master", "running", "pointsman", 8, 5)).json("/cluster", c)
                    .json("/history", "[]");
            Proxy backend = Fixtures.backend("/", Fixtures.view(Duration.ofMillis(100), null, null, Duration.ZERO),
                    Fixtures.threeServers(p1.port()));
            try (ClusterSource source = ClusterSource.start(backend, GROUP, NioSocketChannel.class,
                    (v, ch) -> views.add(v)).orElseThrow()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> source.current().isPresent());
                p1.json("/cluster", "{\"members\": [{\"name\": \"pg-1\", \"ro");
                await().atMost(Duration.ofSeconds(5)).until(() -> source.current().get().stale());
                assertThat(RoutingRules.verdict(source.current().get(), Pool.PRIMARY, "pg-1", java.time.Instant.now())
                        .allowed()).isTrue();
            }
        }
    }

    @Test
    void aPlainHttpServerIsNotPatroni() throws Exception {
        try (FakePatroni web = new FakePatroni()) {
            web.raw("/patroni", "HTTP/1.0 404 Not Found\r\n\r\n<html></html>".getBytes());
            Proxy backend = Fixtures.backend("/", PatroniView.AUTO, Fixtures.threeServers(web.port()));
            try (ClusterSource source = ClusterSource.start(backend, GROUP, NioSocketChannel.class,
                    (v, ch) -> views.add(v)).orElseThrow()) {
                await().atMost(Duration.ofSeconds(5)).until(() -> web.count("/patroni") == 1);
                await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                        .until(() -> web.count("/cluster") == 0 && source.current().isEmpty());
            }
        }
    }
}
