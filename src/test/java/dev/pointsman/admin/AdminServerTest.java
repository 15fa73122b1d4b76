package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.pointsman.config.Source;
import dev.pointsman.config.StatsSocket;
import dev.pointsman.config.StatsSocket.Level;
import dev.pointsman.frontend.BindFailedException;
import io.netty.channel.epoll.Epoll;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The socket as socat, hatop and scripts use it, over Netty's epoll and NIO unix sockets. */
class AdminServerTest {
    @TempDir
    Path dir;

    private final FakeRuntime runtime = FakeRuntime.of("""
            listen one
                bind 127.0.0.1:1
                server solo 127.0.0.1:2
            """);

    private StatsSocket unix(String name, Level level) {
        return new StatsSocket(new StatsSocket.Unix(dir.resolve(name).toString()), OptionalInt.empty(), level,
                new Source("t.cfg", 2));
    }

    private AdminServer start(boolean epoll, Duration timeout, int maxconn, StatsSocket... sockets) throws Exception {
        return AdminServer.start(List.of(sockets), timeout, maxconn, runtime.context(), epoll);
    }

    private AdminServer start(boolean epoll) throws Exception {
        return start(epoll, Duration.ofSeconds(10), 10, unix("admin.sock", Level.ADMIN));
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void oneCommandPerConnectionIsAnsweredWithAnEmptyLineAndTheConnectionCloses(boolean epoll) throws Exception {
        try (AdminServer server = start(epoll)) {
            Path sock = dir.resolve("admin.sock");
            assertThat(CliClient.exchange(sock, "show backend\n")).isEqualTo("# name\none\n\n");
            assertThat(CliClient.exchange(sock, "set server one/solo state maint\n")).isEqualTo("\n");
            assertThat(CliClient.exchange(sock, "show servers state one\n")).contains(" one 1 solo 127.0.0.1 0 1 ");
        }
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void commandsSeparatedBySemicolonsOrSentTogetherAreEachAnswered(boolean epoll) throws Exception {
        try (AdminServer server = start(epoll)) {
            Path sock = dir.resolve("admin.sock");
            assertThat(CliClient.exchange(sock, "show backend;show cli level;show backend\n"))
                    .isEqualTo("# name\none\n\nadmin\n\n# name\none\n\n");
            assertThat(CliClient.exchange(sock, "show cli level\r\nshow backend\n"))
                    .isEqualTo("admin\n\n# name\none\n\n");
        }
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void theEndOfTheClientsInputStillGetsItsAnswersAsSocatNeeds(boolean epoll) throws Exception {
        try (AdminServer server = start(epoll); CliClient c = CliClient.connect(dir.resolve("admin.sock"))) {
            c.send("show cli level\n").endInput();
            assertThat(c.untilClosed()).isEqualTo("admin\n\n");
        }
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void aLineInPiecesWaitsForItsEnd(boolean epoll) throws Exception {
        try (AdminServer server = start(epoll); CliClient c = CliClient.connect(dir.resolve("admin.sock"))) {
            c.send("show ba");
            await().during(Duration.ofMillis(200)).atMost(Duration.ofSeconds(1)).until(() -> !c.closedByServer());
            assertThat(c.received()).isEmpty();
            c.send("ckend\n");
            assertThat(c.untilClosed()).isEqualTo("# name\none\n\n");
        }
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void promptModeKeepsTheConnectionAndEndsEachAnswerWithThePromptUntilQuit(boolean epoll) throws Exception {
        try (AdminServer server = start(epoll); CliClient c = CliClient.connect(dir.resolve("admin.sock"))) {
            assertThat(c.send("prompt\n").until("> ")).isEqualTo("\n> ");
            assertThat(c.send("show cli level\n").until("admin\n\n> ")).isEqualTo("\n> admin\n\n> ");
            c.send("set timeout cli 60\n").until("\n> \n> ");
            assertThat(c.closedByServer()).isFalse();
            c.send("quit\n");
            assertThat(c.untilClosed()).isEqualTo("\n> admin\n\n> \n> ");
        }
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void aLineLongerThanTheBoundClosesTheConnectionWithoutAnAnswer(boolean epoll) throws Exception {
        try (AdminServer server = start(epoll); CliClient c = CliClient.connect(dir.resolve("admin.sock"))) {
            c.send("show " + "x".repeat(CliHandler.MAX_LINE + 10));
            assertThat(c.untilClosed()).isEmpty();
        }
    }

    @Test
    void anIdleConnectionIsClosedAfterStatsTimeoutAndSetTimeoutCliChangesIt() throws Exception {
        try (AdminServer server = start(Epoll.isAvailable(), Duration.ofMillis(300), 10, unix("admin.sock", Level.ADMIN));
             CliClient idle = CliClient.connect(dir.resolve("admin.sock"));
             CliClient longer = CliClient.connect(dir.resolve("admin.sock"))) {
            longer.send("prompt\n").until("> ");
            longer.send("set timeout cli 1\n").until("> \n> ");

            assertThat(idle.untilClosed()).isEmpty();
            assertThat(longer.closedByServer()).as("one second is not over yet").isFalse();
            await().atMost(Duration.ofSeconds(5)).until(longer::closedByServer);
        }
    }

    @Test
    void theSocketsLevelDecidesWhatItsCommandsMayDo() throws Exception {
        try (AdminServer server = start(Epoll.isAvailable(), Duration.ofSeconds(10), 10, unix("user.sock", Level.USER),
                unix("oper.sock", Level.OPERATOR))) {
            assertThat(CliClient.exchange(dir.resolve("user.sock"), "set server one/solo state maint\n"))
                    .isEqualTo("Permission denied\n\n");
            assertThat(CliClient.exchange(dir.resolve("user.sock"), "show sess\n")).isEqualTo("Permission denied\n\n");
            assertThat(CliClient.exchange(dir.resolve("oper.sock"), "show sess\n")).isEqualTo("\n");
            assertThat(CliClient.exchange(dir.resolve("oper.sock"), "show cli level\n")).isEqualTo("operator\n\n");
        }
    }

    @Test
    void aTcpSocketServesTheSameCommands() throws Exception {
        StatsSocket tcp = new StatsSocket(new StatsSocket.Tcp("127.0.0.1", 0, false), OptionalInt.empty(), Level.ADMIN,
                new Source("t.cfg", 2));
        try (AdminServer server = start(Epoll.isAvailable(), Duration.ofSeconds(10), 10, tcp)) {
            InetSocketAddress at = (InetSocketAddress) server.boundAddresses().get(0);
            assertThat(CliClient.exchange(at, "show backend\n")).isEqualTo("# name\none\n\n");
        }
    }

    @ParameterizedTest(name = "epoll {0}")
    @ValueSource(booleans = {true, false})
    void aStaleSocketFileIsReplacedTheModeAppliedAndTheFileRemovedAtClose(boolean epoll) throws Exception {
        // Given a socket file left by a process that is gone
        Path sock = dir.resolve("admin.sock");
        try (ServerSocketChannel old = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            old.bind(UnixDomainSocketAddress.of(sock));
        }
        assertThat(sock).exists();
        StatsSocket withMode = new StatsSocket(new StatsSocket.Unix(sock.toString()), OptionalInt.of(0640), Level.ADMIN,
                new Source("t.cfg", 2));
        // When the runtime API starts
        AdminServer server = start(epoll, Duration.ofSeconds(10), 10, withMode);
        // Then it listens there with the configured mode, and the file goes with it
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(sock))).isEqualTo("rw-r-----");
        assertThat(CliClient.exchange(sock, "show cli level\n")).isEqualTo("admin\n\n");
        server.close();
        assertThat(sock).doesNotExist();
    }

    @Test
    void aSocketALiveProcessListensOnOrAFileThatIsNoSocketIsNotTaken() throws Exception {
        Path sock = dir.resolve("admin.sock");
        try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            live.bind(UnixDomainSocketAddress.of(sock));
            assertThatThrownBy(() -> start(Epoll.isAvailable())).isInstanceOf(BindFailedException.class)
                    .hasMessageContaining("[t.cfg:2] : 'stats socket unix@" + sock + "': another process listens");
        }
        Files.deleteIfExists(sock);
        Files.writeString(sock, "not a socket");
        assertThatThrownBy(() -> start(Epoll.isAvailable())).isInstanceOf(BindFailedException.class)
                .hasMessageContaining("exists and is not a socket");
        assertThat(sock).hasContent("not a socket");
    }

    @Test
    void atStatsMaxconnFurtherConnectionsWaitUntilOneCloses() throws Exception {
        try (AdminServer server = start(Epoll.isAvailable(), Duration.ofSeconds(10), 1, unix("admin.sock", Level.ADMIN));
             CliClient first = CliClient.connect(dir.resolve("admin.sock"))) {
            first.send("prompt\n").until("> ");
            try (CliClient second = CliClient.connect(dir.resolve("admin.sock"))) {
                second.send("show cli level\n");
                await().during(Duration.ofMillis(300)).atMost(Duration.ofSeconds(2))
                        .until(() -> second.received().isEmpty());

                first.send("quit\n").untilClosed();

                assertThat(second.untilClosed()).isEqualTo("admin\n\n");
            }
        }
    }
}
