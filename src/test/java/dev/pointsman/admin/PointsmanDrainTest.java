package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * packaging/patroni/pointsman-drain, Patroni's hooks for Pointsman, against a running Pointsman's
 * runtime API (a unix socket): what it drains, what it leaves alone, what undoes it, and how it
 * refuses bad arguments. The script runs as Patroni runs it, a child process (python3), bounded.
 */
class PointsmanDrainTest {
    static final Path SCRIPT = Path.of(System.getProperty("user.dir"), "packaging/patroni/pointsman-drain");
    static final Duration RUN_BOUND = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private TestServer pg1;
    private TestServer pg2;
    private Pointsman proxy;
    private Path sock;

    record Run(int exit, String stderr) {}

    @BeforeEach
    void start() throws Exception {
        Assumptions.assumeTrue(new File("/usr/bin/python3").canExecute(), "python3 (Patroni's) is needed");
        pg1 = TestServer.echo();
        pg2 = TestServer.echo();
        sock = dir.resolve("sockets").resolve("admin.sock");
        Files.createDirectories(sock.getParent());
        Config config = ConfigParser.system().parse("drain.cfg", """
                global
                    stats socket %s mode 600 level admin
                defaults
                    mode tcp
                    timeout connect 1s
                    timeout client 30s
                    timeout server 30s
                listen primary
                    bind 127.0.0.1:1
                    server pg-1 127.0.0.1:%d
                    server pg-2 127.0.0.1:%d
                listen standby
                    bind 127.0.0.1:2
                    server pg-1 127.0.0.1:%d
                    server pg-2 127.0.0.1:%d
                """.formatted(sock, pg1.address().getPort(), pg2.address().getPort(), pg1.address().getPort(),
                pg2.address().getPort()));
        proxy = Pointsman.start(EphemeralPorts.of(config));
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) {
            proxy.stop(Optional.of(Duration.ZERO));
        }
        for (TestServer s : new TestServer[]{pg1, pg2}) {
            if (s != null) {
                s.close();
            }
        }
    }

    private Run drainScript(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString()));
        command.addAll(Arrays.asList(args));
        Path err = dir.resolve("stderr.txt");
        Process p = new ProcessBuilder(command).redirectError(err.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(RUN_BOUND.toSeconds(), TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("pointsman-drain did not end within " + RUN_BOUND);
        }
        return new Run(p.exitValue(), Files.readString(err, StandardCharsets.UTF_8));
    }

    /** The hook as Patroni's configuration would run it for node pg-1. */
    private Run hook(String... actionAndArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("--server", "pg-1", "--socket", sock.getParent().toString(),
                "--state-dir", dir.resolve("state").toString(), "--grace", "0.2", "--max-drain", "0"));
        args.addAll(Arrays.asList(actionAndArgs));
        return drainScript(args.toArray(String[]::new));
    }

    /** "backend/server" → srv_admin_state, from {@code show servers state}. */
    private Map<String, Integer> adminStates() throws IOException {
        Map<String, Integer> states = new TreeMap<>();
        for (String line : CliClient.exchange(sock, "show servers state\n").lines().toList()) {
            String[] f = line.split(" ");
            if (f.length > 6 && !line.startsWith("#")) {
                states.put(f[1] + "/" + f[3], Integer.parseInt(f[6]));
            }
        }
        return states;
    }

    private String cli(String line) throws IOException {
        return CliClient.exchange(sock, line + "\n");
    }

    @Test
    void beforeStopDrainsTheNodeInEveryBackendAndItsCallbackSetsItReady() throws Exception {
        Run drain = hook("drain");

        assertThat(drain.exit()).as(drain.stderr()).isZero();
        assertThat(adminStates()).containsExactlyInAnyOrderEntriesOf(Map.of(
                "primary/pg-1", 8, "standby/pg-1", 8, "primary/pg-2", 0, "standby/pg-2", 0));
        assertThat(drain.stderr()).contains("drained primary/pg-1 standby/pg-1");

        // Patroni appends ACTION ROLE SCOPE to a callback
        Run back = hook("on_role_change", "replica", "pointsman");

        assertThat(back.exit()).as(back.stderr()).isZero();
        assertThat(adminStates()).allSatisfy((server, state) -> assertThat(state).as(server).isZero());
        try (var files = Files.list(dir.resolve("state"))) { // the lock file stays: removing it would race
            assertThat(files.map(f -> f.getFileName().toString())).as("nothing left to undo").containsExactly("pg-1.lock");
        }
    }

    @Test
    void aServerAnOperatorHadDrainedOrPutInMaintenanceIsLeftAsItWas() throws Exception {
        cli("set server standby/pg-1 state maint");

        hook("drain");
        Run back = hook("on_start", "replica", "pointsman");

        assertThat(back.exit()).isZero();
        assertThat(adminStates()).containsEntry("standby/pg-1", 1).containsEntry("primary/pg-1", 0);
    }

    @Test
    void aDrainThatNoCallbackUndoesIsUndoneAfterMaxDrain() throws Exception {
        Run drain = hook("--max-drain", "0.5", "drain");
        assertThat(drain.exit()).isZero();
        assertThat(adminStates()).containsEntry("primary/pg-1", 8);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(adminStates()).containsEntry("primary/pg-1", 0).containsEntry("standby/pg-1", 0));
    }

    @Test
    void aCallbackBeforeMaxDrainDisarmsTheTimerOfThatDrain() throws Exception {
        hook("--max-drain", "1", "drain");
        assertThat(timers()).as("the drain's timer").hasSize(1);
        hook("ready");
        cli("set server primary/pg-1 state drain"); // an operator's, after the hook's was undone

        // the timer of the first drain wakes at 1 s and must find nothing of its own to undo
        await().atMost(Duration.ofSeconds(10)).until(() -> timers().isEmpty());
        assertThat(adminStates()).containsEntry("primary/pg-1", 8);
    }

    @Test
    void aTimerWhoseUndoFailedTriesAgain() throws Exception {
        Path elsewhere = dir.resolve("sockets").resolve("moved.sock");
        Run drain = drainScript("--server", "pg-1", "--socket", sock.toString(), "--state-dir",
                dir.resolve("state").toString(), "--grace", "0", "--max-drain", "1.5", "drain");
        assertThat(drain.exit()).as(drain.stderr()).isZero();
        Files.move(sock, elsewhere); // the proxy's socket gone when the timer wakes: its undo fails

        await().atMost(Duration.ofSeconds(10)).until(() -> timers().stream().anyMatch(p -> p.info().arguments()
                .map(a -> String.join(" ", a).contains("--undo-round 2")).orElse(false)));
        Files.move(elsewhere, sock);

        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(adminStates()).containsEntry("primary/pg-1", 0).containsEntry("standby/pg-1", 0));
    }

    /** The detached timers this test's drains left (their command line names its state directory). */
    private List<ProcessHandle> timers() {
        String state = dir.resolve("state").toString();
        return ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> Arrays.asList(a).contains("--undo-token") && Arrays.asList(a).contains(state))
                .orElse(false)).toList();
    }

    @Test
    void aNodeIsFoundByItsAddressToo() throws Exception {
        Run drain = drainScript("--addr", "127.0.0.1:" + pg2.address().getPort(), "--socket", sock.toString(),
                "--state-dir", dir.resolve("state").toString(), "--grace", "0", "--max-drain", "0", "drain");

        assertThat(drain.exit()).as(drain.stderr()).isZero();
        assertThat(adminStates()).containsEntry("primary/pg-2", 8).containsEntry("standby/pg-2", 8)
                .containsEntry("primary/pg-1", 0);
    }

    @Test
    void onlyTheNamedBackendsAreDrainedWhenSomeAreGiven() throws Exception {
        hook("--backend", "primary", "drain");

        assertThat(adminStates()).containsEntry("primary/pg-1", 8).containsEntry("standby/pg-1", 0);
    }

    @Test
    void onStopAndOnReloadChangeNothing() throws Exception {
        hook("drain");

        assertThat(hook("on_stop", "master", "pointsman").exit()).isZero();
        assertThat(hook("on_reload", "master", "pointsman").exit()).isZero();

        assertThat(adminStates()).containsEntry("primary/pg-1", 8);
    }

    @Test
    void aProxyThatDoesNotAnswerIsNamedAndTheExitStatusSaysSo() throws Exception {
        Run run = drainScript("--server", "pg-1", "--socket", dir.resolve("gone.sock").toString(),
                "--state-dir", dir.resolve("state").toString(), "drain");

        assertThat(run.exit()).isEqualTo(1);
        assertThat(run.stderr()).contains("gone.sock: cannot drain");
        // nothing drained: the timer it armed first (default --max-drain 120) is ended, not left waiting
        await().atMost(Duration.ofSeconds(5)).until(() -> timers().isEmpty());
    }

    @Test
    void badArgumentsAreRefusedWithTheReasonAndExitStatus2() throws Exception {
        Run noServer = drainScript("--socket", sock.toString(), "drain");
        Run both = drainScript("--socket", sock.toString(), "--server", "pg-1", "--addr", "127.0.0.1", "drain");
        Run noSocket = drainScript("--server", "pg-1", "drain");
        Run action = drainScript("--socket", sock.toString(), "--server", "pg-1", "undrain");
        Run grace = drainScript("--socket", sock.toString(), "--server", "pg-1", "--grace", "-1", "drain");

        assertThat(noServer.exit()).isEqualTo(2);
        assertThat(noServer.stderr()).contains("give exactly one of --server NAME and --addr HOST[:PORT]");
        assertThat(both.exit()).isEqualTo(2);
        assertThat(noSocket.exit()).isEqualTo(2);
        assertThat(noSocket.stderr()).contains("no socket");
        assertThat(action.exit()).isEqualTo(2);
        assertThat(action.stderr()).contains("action: 'undrain'");
        assertThat(grace.exit()).isEqualTo(2);
        assertThat(grace.stderr()).contains("--grace: -1.0 (expected: 0-86400 seconds)");
        assertThat(adminStates()).allSatisfy((server, state) -> assertThat(state).as(server).isZero());
    }

    @Test
    void anOperatorsMaintenanceSetWhileTheHookHadTheNodeDrainedSurvivesTheCallback() throws Exception {
        hook("drain");
        cli("set server primary/pg-1 state maint");

        Run back = hook("on_start", "replica", "pointsman");

        assertThat(back.exit()).as(back.stderr()).isZero();
        assertThat(adminStates().get("primary/pg-1") & 1).as("primary/pg-1 still in maint").isEqualTo(1);
        assertThat(adminStates()).containsEntry("standby/pg-1", 0);
    }

    @Test
    void aProxyThatTricklesItsAnswerCannotHoldPatronisStopPastTheStatedBound() throws Exception {
        try (ServerSocket trickle = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = trickle.accept()) {
                    byte[] garbage = new byte[4096];
                    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                    while (System.nanoTime() < end) {
                        s.getOutputStream().write(garbage);
                    }
                } catch (IOException ignored) {
                    // the hook hung up: what it must do
                }
            });
            t.setDaemon(true);
            t.start();
            Process p = new ProcessBuilder(List.of("/usr/bin/python3", SCRIPT.toString(), "--server", "pg-1",
                    "--socket", "127.0.0.1:" + trickle.getLocalPort(), "--state-dir", dir.resolve("state").toString(),
                    "--timeout", "0.5", "--grace", "0.2", "--max-drain", "0", "drain")).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

            boolean ended = p.waitFor(5, TimeUnit.SECONDS);
            p.destroyForcibly();

            assertThat(ended).as("pointsman-drain ended within 5 s").isTrue();
        }
    }

    @Test
    void theWholeHookEndsWithinItsBudgetWhateverEachAnswerTakes() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            List<String> command = new ArrayList<>(List.of("/usr/bin/python3", SCRIPT.toString(), "--server", "pg-1",
                    "--state-dir", dir.resolve("state").toString(), "--timeout", "4", "--budget", "1",
                    "--max-drain", "0"));
            for (int i = 0; i < 4; i++) { // 4 sockets x 4 s each, were the budget not kept
                command.addAll(List.of("--socket", "127.0.0.1:" + hung.getLocalPort()));
            }
            command.add("drain");
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();

            boolean ended = p.waitFor(10, TimeUnit.SECONDS);
            p.destroyForcibly();

            assertThat(ended).as("ended").isTrue();
            // 1 s and Python's start; less than even one socket's --timeout
            assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofMillis(3500));
        }
    }

    /**
     * A drain of pg-1 (--max-drain 1) whose second socket never answers, terminated (SIGTERM, as
     * Patroni cancels a hook) once the first socket has drained the server.
     */
    private void drainThenTerminatedMidway() throws Exception {
        try (ServerSocket hung = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Process p = new ProcessBuilder(List.of("/usr/bin/python3", SCRIPT.toString(), "--server", "pg-1",
                    "--socket", sock.toString(), "--socket", "127.0.0.1:" + hung.getLocalPort(),
                    "--state-dir", dir.resolve("state").toString(), "--timeout", "5", "--budget", "10",
                    "--max-drain", "1", "drain"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            await().atMost(Duration.ofSeconds(10)).until(() -> adminStates().get("primary/pg-1") == 8);
            p.destroy();
            assertThat(p.waitFor(5, TimeUnit.SECONDS)).as("the hook ended on SIGTERM").isTrue();
        }
    }

    @Test
    void aHookTerminatedMidwayLeavesNoDrainThatNothingUndoes() throws Exception {
        drainThenTerminatedMidway();

        Run back = hook("on_start", "replica", "pointsman");

        assertThat(back.exit()).as(back.stderr()).isZero();
        assertThat(adminStates()).containsEntry("primary/pg-1", 0).containsEntry("standby/pg-1", 0);
        await().atMost(Duration.ofSeconds(10)).until(() -> timers().isEmpty()); // past --max-drain 1
        assertThat(adminStates()).containsEntry("primary/pg-1", 0).containsEntry("standby/pg-1", 0);
    }

    @Test
    void aHookTerminatedMidwayLeavesItsDrainToTheTimerWhenNoCallbackComes() throws Exception {
        drainThenTerminatedMidway();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(
                () -> assertThat(adminStates()).containsEntry("primary/pg-1", 0).containsEntry("standby/pg-1", 0));
    }

    @Test
    void aStateDirectoryItCannotWriteLeavesNoDrainThatNothingUndoes() throws Exception {
        Files.writeString(dir.resolve("not-a-dir"), "");
        String stateDir = dir.resolve("not-a-dir").resolve("state").toString();

        Run drain = drainScript("--server", "pg-1", "--socket", sock.toString(), "--state-dir", stateDir,
                "--grace", "0", "--max-drain", "1", "drain");
        Run back = drainScript("--server", "pg-1", "--socket", sock.toString(), "--state-dir", stateDir,
                "on_start", "replica", "pointsman");

        assertThat(drain.exit()).as("fails open: Patroni goes on").isZero();
        assertThat(drain.stderr()).contains("draining nothing");
        assertThat(adminStates()).as(drain.stderr() + back.stderr()).containsEntry("primary/pg-1", 0)
                .containsEntry("standby/pg-1", 0);
    }

    /**
     * A callback still undoing an older drain (its proxy slow to answer) while the next before_stop
     * drains again: the callback must not delete the newer drain's record, or nothing undoes it.
     */
    @Test
    void aCallbackOverlappingANewDrainKeepsThatDrainsRecord() throws Exception {
        CountDownLatch accepted = new CountDownLatch(1);
        CountDownLatch drainEnded = new CountDownLatch(1);
        try (ServerSocket slow = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread t = new Thread(() -> {
                try (Socket s = slow.accept()) {
                    accepted.countDown();
                    drainEnded.await(1, TimeUnit.SECONDS); // answers (nothing) once the drain ended, or after 1 s
                } catch (IOException | InterruptedException ignored) {
                    // ends the answer
                }
            });
            t.setDaemon(true);
            t.start();
            Path state = dir.resolve("state");
            Files.createDirectories(state);
            // an older drain's record, on a proxy that is slow to answer the undo
            Files.writeString(state.resolve("pg-1.json"), "{\"drained\": {\"127.0.0.1:%d\": [\"primary/pg-1\"]},"
                    .formatted(slow.getLocalPort()) + " \"token\": \"older\", \"at\": 0}");
            Process callback = new ProcessBuilder(List.of("/usr/bin/python3", SCRIPT.toString(), "--server", "pg-1",
                    "--socket", sock.toString(), "--state-dir", state.toString(), "--timeout", "3",
                    "on_start", "replica", "pointsman"))
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            assertThat(accepted.await(10, TimeUnit.SECONDS)).as("the callback asks the slow proxy").isTrue();

            Run drain = hook("drain");
            drainEnded.countDown();
            assertThat(callback.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(drain.exit()).as(drain.stderr()).isZero();
            assertThat(adminStates()).containsEntry("primary/pg-1", 8);
        }

        Run back = hook("on_start", "replica", "pointsman");

        assertThat(back.exit()).as(back.stderr()).isZero();
        assertThat(adminStates()).as("the newer drain undone by its record")
                .containsEntry("primary/pg-1", 0).containsEntry("standby/pg-1", 0);
    }
}
