package dev.pointsman.cli;

import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigException;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.frontend.BindFailedException;
import dev.pointsman.frontend.DescriptorBudget;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.runtime.Reloader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code pointsman [-c] [-v] -f FILE...}; exit codes: 0 ok, 1 configuration or start-up error, 2 usage. */
@Command(name = "pointsman", sortOptions = false, subcommands = ClusterCommand.class,
        description = "A high-availability TCP proxy for PostgreSQL/Patroni that reads HAProxy's configuration.")
public final class Cli implements Callable<Integer> {

    @Option(names = "-f", paramLabel = "FILE|DIR",
            description = "configuration file, or directory of *.cfg files; repeatable, read in order")
    List<Path> files = new ArrayList<>();

    @Option(names = "-c", description = "check the configuration and exit (0 valid, 1 invalid)")
    boolean checkOnly;

    @Option(names = {"-v", "--version"}, description = "print the version and exit")
    boolean version;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "show this help")
    boolean help;

    private final PrintWriter out;
    private final PrintWriter err;

    Cli(PrintWriter out, PrintWriter err) {
        this.out = out;
        this.err = err;
    }

    PrintWriter out() {
        return out;
    }

    PrintWriter err() {
        return err;
    }

    public static int run(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true, StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, StandardCharsets.UTF_8);
        return run(args, out, err);
    }

    static int run(String[] args, PrintWriter out, PrintWriter err) {
        Cli plain = plain(args, out, err);
        if (plain != null) {
            return exitOf(plain, err);
        }
        CommandLine cl = new CommandLine(new Cli(out, err));
        cl.setOut(out);
        cl.setErr(err);
        cl.setParameterExceptionHandler((ex, a) -> {
            err.println("pointsman: " + ex.getMessage());
            ex.getCommandLine().usage(err);
            return 2;
        });
        return cl.execute(args);
    }

    /**
     * Runs {@code command} on the fast path and exits as picocli's {@code execute} does on an
     * exception from it (its default handler): the stack trace on {@code err}, exit code 1.
     */
    static int exitOf(Callable<Integer> command, PrintWriter err) {
        try {
            return command.call();
        } catch (Exception e) {
            e.printStackTrace(err);
            err.flush();
            return CommandLine.ExitCode.SOFTWARE;
        }
    }

    /**
     * The usual command lines ({@code -f FILE} repeated, {@code -c}, {@code -v}/{@code --version},
     * each flag once, every value not starting with '-') read without picocli, whose 170 classes
     * (too old a class-file version for the class-data archive) and annotation scanning were
     * about a tenth of the start-up time; they read exactly as picocli reads them. Anything else
     * (help, a subcommand, an error to explain) goes to picocli: null. That includes {@code -f}
     * followed by a subcommand's name ({@code -f cluster}): picocli reads it as -f without a value
     * and rejects it (exit 2), and the fast path must not read it otherwise (as a file).
     */
    /** The subcommands' names (picocli never reads one as an option's value); CliTest checks them against @Command. */
    static final java.util.Set<String> SUBCOMMANDS = java.util.Set.of("cluster");

    static Cli plain(String[] args, PrintWriter out, PrintWriter err) {
        Cli cli = new Cli(out, err);
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "-f" -> {
                    if (i + 1 >= args.length || args[i + 1].startsWith("-") || args[i + 1].isEmpty()
                            || SUBCOMMANDS.contains(args[i + 1])) {
                        return null;
                    }
                    try {
                        cli.files.add(Path.of(args[++i]));
                    } catch (java.nio.file.InvalidPathException e) {
                        return null;
                    }
                }
                case "-c" -> {
                    if (cli.checkOnly) {
                        return null;
                    }
                    cli.checkOnly = true;
                }
                case "-v", "--version" -> {
                    if (cli.version) {
                        return null;
                    }
                    cli.version = true;
                }
                default -> {
                    return null;
                }
            }
        }
        return cli;
    }

    public static String version() {
        return dev.pointsman.Version.current();
    }

    @Override
    public Integer call() {
        if (version) {
            out.println("Pointsman version " + version());
            return 0;
        }
        if (files.isEmpty()) {
            err.println("pointsman: no configuration file; use -f FILE (see -h)");
            return 2;
        }
        Config config;
        try {
            config = ConfigParser.system().parse(files);
        } catch (ConfigException e) {
            e.getMessage().lines().forEach(l -> err.println("[ALERT] config : " + l));
            err.println("[ALERT] config : Fatal errors found in configuration.");
            return 1;
        }
        if (checkOnly) {
            config.notices().forEach(n -> err.println("[NOTICE] config : " + n));
            DescriptorBudget.of(config).shortfall().ifPresent(m -> err.println("[WARNING] config : " + m
                    + " (checked against this shell's limit; the service's own may differ)"));
            out.println("Configuration file is valid");
            return 0;
        }
        return serve(config);
    }

    private int serve(Config config) {
        Pointsman proxy;
        try {
            proxy = Pointsman.start(config);
        } catch (BindFailedException e) {
            err.println("[ALERT] " + e.getMessage());
            return 1;
        }
        writePidfile(config);
        Reloader reloader = new Reloader(proxy, () -> ConfigParser.system().parse(files),
                files.stream().map(Path::toString).collect(Collectors.joining(", ")));
        onHangUp(reloader);
        onUser1();
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            reloader.close();
            // a reload may have changed hard-stop-after
            proxy.stop(proxy.config().global().hardStopAfter());
            stopped.countDown();
            if (org.slf4j.LoggerFactory.getILoggerFactory() instanceof ch.qos.logback.classic.LoggerContext lc) {
                lc.stop(); // flushes the async appender; logback's own hook would race with our stop line
            }
        }, "pointsman-stop"));
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** SIGHUP (systemctl reload) reloads in place instead of stopping the JVM. */
    @SuppressWarnings("restriction")
    private void onHangUp(Reloader reloader) {
        if (hangUpIgnored()) {
            // the JVM does not take over a signal ignored at its start: the handler would never run
            err.println("[WARNING] SIGHUP is ignored in this process (started under nohup?): a SIGHUP will not"
                    + " reload the configuration; start Pointsman without nohup (systemd, or setsid) to reload in place");
            return;
        }
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), sig -> reloader.request());
        } catch (IllegalArgumentException e) {
            err.println("[WARNING] SIGHUP cannot be handled here (" + e.getMessage() + "); reload needs a restart");
        }
    }

    /**
     * SIGUSR1 is HAProxy's soft stop: the same as SIGTERM here (listeners close, sessions may finish
     * until {@code hard-stop-after}), through the shutdown hook; the process then exits 0, as HAProxy
     * does after a soft stop.
     */
    @SuppressWarnings("restriction")
    private void onUser1() {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("USR1"), sig -> {
                org.slf4j.LoggerFactory.getLogger("pointsman").info("SIGUSR1: soft stop");
                // not on the signal thread: exit waits for the shutdown hook, which waits for the sessions
                Thread exit = new Thread(() -> System.exit(0), "pointsman-usr1");
                exit.setDaemon(false);
                exit.start();
            });
        } catch (IllegalArgumentException e) {
            err.println("[WARNING] SIGUSR1 cannot be handled here (" + e.getMessage() + "); use SIGTERM for a soft stop");
        }
    }

    /** Whether SIGHUP was ignored when this process started (Linux: the SigIgn mask of /proc/self/status); the ITs ask it too. */
    public static boolean hangUpIgnored() {
        return hangUpIgnored(Path.of("/proc/self/status"));
    }

    static boolean hangUpIgnored(Path status) {
        try {
            return Files.readAllLines(status).stream().filter(l -> l.startsWith("SigIgn:")).findFirst()
                    .map(l -> (Long.parseUnsignedLong(l.substring("SigIgn:".length()).trim(), 16) & 1L) != 0)
                    .orElse(false);
        } catch (IOException | RuntimeException e) {
            return false; // not Linux, or unreadable: assume the handler works
        }
    }

    private void writePidfile(Config config) {
        config.global().pidfile().ifPresent(path -> {
            try {
                Files.writeString(Path.of(path), ProcessHandle.current().pid() + "\n");
            } catch (IOException e) {
                err.println("[WARNING] cannot write pidfile " + path + ": " + e.getMessage());
            }
        });
    }
}
