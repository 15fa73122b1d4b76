package dev.pointsman.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pointsman.testing.TestServer;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The measurement, with Pointsman as a child process under {@code ulimit -n 200} (soft and
 * hard, so the JVM cannot raise it) and an in-process echo backend: 400 clients on a listener with
 * no maxconn of its own exhaust the descriptors. While exhausted the proxy must not spin (main: 0.38
 * to 0.99 of a core in a failing accept loop); once the clients have left, the port must serve again
 * within seconds. And without {@code no strict-limits} the same configuration refuses to start,
 * naming the numbers and the fix, as HAProxy 2.6 does.
 */
class DescriptorExhaustionIT {
    private static final int LIMIT = 200;
    private static final int CLIENTS = 400;
    private static final Duration START_BOUND = Duration.ofSeconds(60);
    /** The CPU the proxy may use while out of descriptors, in cores (main: 0.38-0.99, now 0.01-0.07). */
    private static final double CPU_BOUND = 0.2;

    private static Path launcher;

    @BeforeAll
    static void requirements() {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "Linux /proc needed to read the proxy's CPU time");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash needed for ulimit -n");
        Path home = Path.of(System.getProperty("pointsman.home", System.getProperty("user.dir"))).toAbsolutePath();
        launcher = home.resolve("bin/pointsman");
        assertThat(home.resolve("target/pointsman.jar")).as("built by `mvn package` before failsafe runs").exists();
    }

    /**
     * Run twice, with one descriptor more inherited the second time: whether a session's pair of
     * descriptors leaves the last one free (then an accept succeeds and the backend socket fails)
     * or not (then the accept itself fails, EMFILE, with clients waiting in the backlog) depends on
     * how many the JVM holds, so one of the two runs is out of descriptors to the last one.
     */
    @Test
    void outOfDescriptorsTheProxyDoesNotSpinAndServesAgainOnceTheClientsHaveLeft() throws Exception {
        List<Exhaustion> runs = List.of(exhaust(0), exhaust(1));

        for (Exhaustion run : runs) {
            assertThat(run.cores()).as("CPU in cores while out of descriptors, %s", run).isLessThan(CPU_BOUND);
            assertThat(run.recovery()).as("served again after the clients left, %s", run)
                    .isLessThan(Duration.ofSeconds(5));
        }
        assertThat(runs).as("a run out of descriptors to the last one").anySatisfy(run -> {
            assertThat(run.open()).isEqualTo(LIMIT);
            assertThat(run.log()).contains("Too many open files", "raise 'ulimit -n'");
        });
    }

    /** What one run measured: descriptors open and CPU while exhausted, the time to serve again after. */
    private record Exhaustion(int inherited, int open, double cores, Duration recovery, String log) {
        @Override
        public String toString() {
            return String.format("%d inherited: %d of %d open, %.2f cores, served again after %d ms",
                    inherited, open, LIMIT, cores, recovery.toMillis());
        }
    }

    private static Exhaustion exhaust(int inherited) throws Exception {
        try (TestServer echo = TestServer.echo()) {
            int port = freePort();
            Path cfg = writeConfig("exhaustion-" + inherited, port, echo.address().getPort(), "    no strict-limits\n");
            try (Child proxy = Child.start(cfg, "exhaustion-" + inherited, inherited)) {
                proxy.awaitAccepting(port);
                assertThat(proxy.log()).contains("FD limit (" + LIMIT + ") too low for maxconn=1000",
                        "Starting anyway ('no strict-limits')");

                // Given 400 clients against a process that can hold about 90 sessions
                List<SocketChannel> clients = new ArrayList<>();
                int open;
                double cores;
                try {
                    InetSocketAddress target = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
                    for (int i = 0; i < CLIENTS; i++) {
                        SocketChannel c = SocketChannel.open();
                        clients.add(c);
                        c.configureBlocking(false);
                        c.connect(target);
                    }
                    await("the proxy runs out of descriptors").atMost(Duration.ofSeconds(30))
                            .until(() -> proxy.openDescriptors() >= LIMIT - 1);
                    // When it stays out of descriptors for a while
                    cores = proxy.cpuCoresOver(Duration.ofSeconds(3));
                    open = proxy.openDescriptors();
                } finally {
                    // When every client leaves
                    for (SocketChannel c : clients) {
                        c.close();
                    }
                }

                // Then the port serves again
                long left = System.nanoTime();
                await("the port serves again").atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(100))
                        .until(() -> echoes(port));
                Duration recovery = Duration.ofNanos(System.nanoTime() - left);
                assertThat(proxy.isAlive()).isTrue();
                Exhaustion run = new Exhaustion(inherited, open, cores, recovery, proxy.log());
                System.out.println("descriptor exhaustion: " + run);
                return run;
            }
        }
    }

    @Test
    void withStrictLimitsTheSameConfigurationRefusesToStartNamingTheNumbersAndTheFix() throws Exception {
        try (TestServer echo = TestServer.echo()) {
            int port = freePort();
            Path cfg = writeConfig("strict", port, echo.address().getPort(), "");
            try (Child proxy = Child.start(cfg, "strict", 0)) {
                int exit = proxy.awaitExit(START_BOUND);

                assertThat(exit).isEqualTo(1);
                assertThat(proxy.log()).contains("[ALERT] FD limit (" + LIMIT + ") too low for maxconn=1000/maxsock=",
                        "Raise 'ulimit -n' (systemd: LimitNOFILE=) to ", "or lower maxconn to ",
                        "'no strict-limits'");
                assertThat(echoes(port)).isFalse();
            }
        }
    }

    private static Path writeConfig(String label, int port, int backendPort, String globalExtra) throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("e2e.dir", "target/e2e")).toAbsolutePath());
        Path cfg = dir.resolve("descriptor-" + label + ".cfg");
        Files.writeString(cfg, """
                global
                    maxconn 1000
                    nbthread 2
                %sdefaults
                    mode tcp
                    timeout connect 2s
                    timeout client 1m
                    timeout server 1m
                listen db
                    bind 127.0.0.1:%d
                    server echo 127.0.0.1:%d
                """.formatted(globalExtra, port, backendPort));
        return cfg;
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** True when a new client gets its bytes back through the proxy within a second. */
    private static boolean echoes(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1000);
            s.setSoTimeout(1000);
            s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
            return new String(s.getInputStream().readNBytes(4), StandardCharsets.US_ASCII).equals("ping");
        } catch (IOException e) {
            return false;
        }
    }

    /** bin/pointsman under {@code ulimit -n 200}, its output in target/e2e; killed on close. */
    private static final class Child implements AutoCloseable {
        private final Process process;
        private final Path log;

        private Child(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** @param inherited descriptors (0 or 1) the process inherits besides the standard three */
        static Child start(Path cfg, String label, int inherited) throws IOException {
            Path log = cfg.resolveSibling("descriptor-" + label + ".log");
            Files.deleteIfExists(log);
            String extra = inherited > 0 ? "exec 3</dev/null && " : "";
            Process p = new ProcessBuilder("/bin/bash", "-c",
                    "ulimit -n " + LIMIT + " && " + extra + "exec \"$0\" -f \"$1\"", launcher.toString(), cfg.toString())
                    .redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            return new Child(p, log);
        }

        void awaitAccepting(int port) {
            await("the proxy accepts on " + port).atMost(START_BOUND).pollInterval(Duration.ofMillis(100))
                    .until(() -> {
                        assertThat(process.isAlive()).as("proxy alive; its log:\n%s", log()).isTrue();
                        return echoes(port);
                    });
        }

        int awaitExit(Duration bound) throws InterruptedException {
            assertThat(process.waitFor(bound.toMillis(), TimeUnit.MILLISECONDS)).as("exited; log:\n%s", log()).isTrue();
            return process.exitValue();
        }

        boolean isAlive() {
            return process.isAlive();
        }

        int openDescriptors() {
            String[] fds = new File("/proc/" + process.pid() + "/fd").list();
            return fds == null ? 0 : fds.length;
        }

        /** utime + stime of the process over {@code window}, in cores. */
        double cpuCoresOver(Duration window) throws InterruptedException {
            long before = cpuTicks();
            long start = System.nanoTime();
            Thread.sleep(window.toMillis()); // the measurement window itself, not a wait for a condition
            long ticks = cpuTicks() - before;
            double seconds = (System.nanoTime() - start) / 1e9;
            return ticks / (double) clockTicksPerSecond() / seconds;
        }

        private long cpuTicks() {
            try {
                String stat = Files.readString(Path.of("/proc/" + process.pid() + "/stat"));
                // fields after the command name in parentheses; utime and stime are the 14th and 15th
                String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                return Long.parseLong(f[11]) + Long.parseLong(f[12]);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        private static long clockTicksPerSecond() {
            try {
                Process p = new ProcessBuilder("getconf", "CLK_TCK").redirectErrorStream(true).start();
                String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
                return p.waitFor(5, TimeUnit.SECONDS) && out.matches("\\d+") ? Long.parseLong(out) : 100;
            } catch (IOException | InterruptedException e) {
                return 100;
            }
        }

        String log() {
            try {
                return Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void close() throws InterruptedException {
            List<ProcessHandle> family = new ArrayList<>();
            family.add(process.toHandle());
            try (Stream<ProcessHandle> d = process.descendants()) {
                d.forEach(family::add);
            }
            family.forEach(ProcessHandle::destroy);
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                family.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
