package dev.pointsman.e2e;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The proxy under test as a child process: Pointsman ({@code <pointsman.home>/bin/pointsman -f CFG})
 * or, for comparison, HAProxy ({@code haproxy -db -f CFG}). Chosen by the system property
 * {@code e2e.proxy} = pointsman (default) | haproxy.
 *
 * <p>Its stdout and stderr go, merged, to target/e2e/LABEL-PROXY.log. {@link #start} refuses to
 * run when a port of the configuration already accepts (it would test someone else's proxy) and
 * waits, bounded, until every TCP frontend port accepts (not the stats page's); {@link #close} sends SIGTERM to the process and
 * its descendants, then SIGKILL after {@link #STOP_BOUND}.
 *
 * <p>Pointsman runs with Netty's leak detection at {@code -De2e.leakDetection} (paranoid unless
 * set; the launcher's other default JVM options are kept), and {@link #close} fails the test when
 * its output holds Netty's {@code LEAK:} report.
 */
final class ProxyProcess implements AutoCloseable {
    static final Duration START_BOUND = Duration.ofSeconds(60); // a JVM on a loaded 2-core machine took 15 s
    static final Duration STOP_BOUND = Duration.ofSeconds(10);
    private static final Pattern BIND_PORT = Pattern.compile("^\\s*bind\\s+\\S*:(\\d+)\\b", Pattern.MULTILINE);
    private static final Pattern SECTION = Pattern.compile("^(?=(?:global|defaults|listen|frontend|backend)\\b)", Pattern.MULTILINE);
    private static final Pattern MODE_HTTP = Pattern.compile("^\\s*mode\\s+http\\b", Pattern.MULTILINE);
    /** The launcher's default JVM options: {@code ${POINTSMAN_JAVA_OPTS:-...}} in bin/pointsman. */
    private static final Pattern LAUNCHER_OPTS = Pattern.compile("\\$\\{POINTSMAN_JAVA_OPTS:-([^}]*)}");
    private static final Pattern LEAK_LEVEL = Pattern.compile("-Dio\\.netty\\.leakDetection\\.level=\\S*");
    /** How Netty starts a leak report (ResourceLeakDetector). */
    static final String LEAK = "LEAK:";

    private final String name;
    /** The address its frontends are reached on: 127.0.0.1 unless the configuration binds another ({@link #on}). */
    private final String host;
    private final List<String> command;
    /** Environment added for the child; for Pointsman, POINTSMAN_JAVA_OPTS with the leak detection level. */
    private final Map<String, String> environment;
    /** Every bound port: none may be in use before the start. */
    private final List<Integer> ports;
    /** The TCP frontends' ports: the start is complete when each accepts. */
    private final List<Integer> frontendPorts;
    private Process process;
    private Path log;
    private Thread reaper;

    private ProxyProcess(String name, String host, List<String> command, Map<String, String> environment, Path cfg) {
        this(name, host, command, environment, bindPorts(cfg, false), bindPorts(cfg, true));
    }

    /** The proxy named by {@code -De2e.proxy}: pointsman (default) or haproxy. */
    static ProxyProcess chosen(Path cfg) {
        String kind = System.getProperty("e2e.proxy", "pointsman").trim().toLowerCase(Locale.ROOT);
        return switch (kind) {
            case "pointsman" -> pointsman(cfg);
            case "haproxy" -> haproxy(cfg);
            default -> throw new IllegalArgumentException("e2e.proxy: " + kind + " (expected: pointsman or haproxy)");
        };
    }

    static ProxyProcess pointsman(Path cfg) {
        Path launcher = E2eDirs.home().resolve("bin/pointsman");
        if (!Files.isExecutable(launcher)) {
            throw new IllegalStateException(launcher + " not found or not executable: build with"
                    + " `mvn -DskipTests package`, or compare with HAProxy: -De2e.proxy=haproxy");
        }
        String level = System.getProperty("e2e.leakDetection", "paranoid").trim();
        return new ProxyProcess("pointsman", LocalCluster.PROXY_HOST, List.of(launcher.toString(), "-f", cfg.toString()),
                Map.of("POINTSMAN_JAVA_OPTS", javaOpts(launcher, System.getenv("POINTSMAN_JAVA_OPTS"), level)),
                cfg);
    }

    static ProxyProcess haproxy(Path cfg) {
        String haproxy = System.getProperty("e2e.haproxy",
                Files.isExecutable(Path.of("/usr/sbin/haproxy")) ? "/usr/sbin/haproxy" : "haproxy");
        return new ProxyProcess("haproxy", LocalCluster.PROXY_HOST, List.of(haproxy, "-db", "-f", cfg.toString()),
                Map.of(), cfg);
    }

    /** The same process, its ports looked for on {@code address} (a configuration binding that address). */
    ProxyProcess on(String address) {
        return new ProxyProcess(name, address, command, environment, ports, frontendPorts);
    }

    private ProxyProcess(String name, String host, List<String> command, Map<String, String> environment,
                         List<Integer> ports, List<Integer> frontendPorts) {
        this.name = name;
        this.host = host;
        this.command = command;
        this.environment = environment;
        this.ports = ports;
        this.frontendPorts = frontendPorts;
    }

    /** The address its frontends are reached on. */
    String host() {
        return host;
    }

    String name() {
        return name;
    }

    /** Starts the process and waits until every TCP frontend port of the configuration accepts. */
    ProxyProcess start(String label) {
        for (int port : ports) {
            if (accepts(host, port)) {
                throw new IllegalStateException(host + ":" + port + " already accepts connections before "
                        + name + " started: another proxy is running (see: ss -ltnp 'sport = :" + port + "')");
            }
        }
        log = E2eDirs.output().resolve(label + "-" + name + ".log");
        try {
            Files.deleteIfExists(log);
            ProcessBuilder builder = new ProcessBuilder(command);
            builder.environment().put("POINTSMAN_ACCESS_LOG", "INFO"); // one line per session, for diagnosis
            builder.environment().putAll(environment);
            process = builder.redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start " + command, e);
        }
        reaper = new Thread(this::kill, "e2e-proxy-reaper");
        Runtime.getRuntime().addShutdownHook(reaper); // a dying test JVM takes the proxy along
        long deadline = System.nanoTime() + START_BOUND.toNanos();
        while (!frontendPorts.stream().allMatch(p -> accepts(host, p))) {
            if (!process.isAlive()) {
                throw new IllegalStateException(name + " exited with " + process.exitValue()
                        + " before accepting on " + frontendPorts + "; its log (" + log + "):\n" + log());
            }
            if (System.nanoTime() > deadline) {
                stop();
                throw new IllegalStateException(name + " did not accept on every port of " + frontendPorts + " within "
                        + START_BOUND + "; its log (" + log + "):\n" + log());
            }
            sleep(50);
        }
        System.out.printf("%s started (pid %d, %s), accepting on %s %s; log: %s%n", name, process.pid(), environment,
                host, frontendPorts, log);
        return this;
    }

    /** Sends {@code signal} ("HUP", "USR1"...) to the proxy's process (the launcher execs the JVM). */
    void signal(String signal) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
            if (!kill.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || kill.exitValue() != 0) {
                throw new IllegalStateException("kill -" + signal + " " + process.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Everything the proxy wrote so far to stdout and stderr. */
    String log() {
        try {
            return log == null || !Files.exists(log) ? "" : Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * SIGTERM to the process and its descendants; SIGKILL to whatever is left after {@link #STOP_BOUND}.
     * Then fails (AssertionError) when Pointsman's output holds a Netty leak report.
     */
    @Override
    public void close() {
        if (process == null) {
            return;
        }
        stop();
        if (name.equals("pointsman")) {
            assertNoLeak(log, log());
        }
    }

    /**
     * SIGKILL to the process and its descendants (a crash: nothing is flushed, no session is
     * closed politely), waiting (bounded) until they are gone; {@link #start} may be called again.
     */
    void killHard() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = family();
        all.forEach(ProcessHandle::destroyForcibly);
        long deadline = System.nanoTime() + STOP_BOUND.toNanos();
        while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            sleep(10);
        }
        System.out.printf("%s killed (SIGKILL); log: %s%n", name, log);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        process = null;
    }

    /** Fails with every line of Netty's leak reports (each with its records) found in the output. */
    static void assertNoLeak(Path where, String output) {
        int at = output.indexOf(LEAK);
        if (at >= 0) {
            int from = output.lastIndexOf('\n', at) + 1;
            String report = output.substring(from, Math.min(output.length(), from + 20_000));
            throw new AssertionError("Netty reported a leak in the Pointsman process under test (" + where
                    + "); its output from the first report:\n" + report);
        }
    }

    private void stop() {
        if (process == null) {
            return;
        }
        List<ProcessHandle> all = family();
        all.forEach(ProcessHandle::destroy);
        long deadline = System.nanoTime() + STOP_BOUND.toNanos();
        while (all.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            sleep(50);
        }
        boolean graceful = all.stream().noneMatch(ProcessHandle::isAlive);
        kill();
        try {
            process.waitFor(STOP_BOUND.toSeconds(), TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        System.out.printf("%s stopped (%s, exit %s); log: %s%n", name, graceful ? "SIGTERM" : "SIGKILL after "
                + STOP_BOUND, process.isAlive() ? "?" : String.valueOf(process.exitValue()), log);
        try {
            Runtime.getRuntime().removeShutdownHook(reaper);
        } catch (IllegalStateException ignored) {
            // already shutting down: the hook is running or about to
        }
        process = null;
    }

    private void kill() {
        if (process != null) {
            family().forEach(ProcessHandle::destroyForcibly);
        }
    }

    private List<ProcessHandle> family() {
        List<ProcessHandle> all = new ArrayList<>();
        all.add(process.toHandle());
        try (Stream<ProcessHandle> d = process.descendants()) {
            d.forEach(all::add);
        }
        return all;
    }

    /**
     * POINTSMAN_JAVA_OPTS for the child: the caller's own if set, else the launcher's defaults, with
     * Netty's leak detection at {@code level} (the launcher's default turns it off).
     */
    static String javaOpts(Path launcher, String callers, String level) {
        String base = callers;
        if (base == null || base.isBlank()) {
            String script;
            try {
                script = Files.readString(launcher);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + launcher, e);
            }
            Matcher m = LAUNCHER_OPTS.matcher(script);
            if (!m.find()) {
                throw new IllegalStateException(launcher + ": no ${POINTSMAN_JAVA_OPTS:-...} default to keep");
            }
            base = m.group(1).trim();
        }
        String wanted = "-Dio.netty.leakDetection.level=" + level;
        Matcher level0 = LEAK_LEVEL.matcher(base);
        return level0.find() ? level0.replaceAll(wanted) : base + " " + wanted;
    }

    static boolean accepts(int port) {
        return accepts(LocalCluster.PROXY_HOST, port);
    }

    static boolean accepts(String host, int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /**
     * The ports of the configuration's {@code bind} lines: all of them, or only those of TCP
     * sections (a section with {@code mode http} is the stats page, not a frontend).
     */
    static List<Integer> bindPorts(Path cfg, boolean tcpOnly) {
        String text;
        try {
            text = Files.readString(cfg);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + cfg, e);
        }
        List<Integer> ports = new ArrayList<>();
        for (String section : SECTION.split(text)) {
            if (tcpOnly && MODE_HTTP.matcher(section).find()) {
                continue;
            }
            Matcher m = BIND_PORT.matcher(section);
            while (m.find()) {
                ports.add(Integer.parseInt(m.group(1)));
            }
        }
        if (ports.isEmpty()) {
            throw new IllegalArgumentException(cfg + ": no `bind ADDRESS:PORT` line" + (tcpOnly ? " in a TCP section" : ""));
        }
        return ports;
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }
}
