package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

class CliTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Cli.run(args, new PrintWriter(out, true), new PrintWriter(err, true));
    }

    @Test
    void theReferenceConfigChecksValid() {
        // the reference config names pg-1..3; they resolve once scripts/cluster has set up /etc/hosts
        org.junit.jupiter.api.Assumptions.assumeTrue(resolves("pg-1"), "pg-1 not in /etc/hosts (scripts/cluster up adds it)");

        assertThat(run("-c", "-f", "examples/patroni-haproxy.cfg")).isZero();
        assertThat(out.toString()).contains("Configuration file is valid");
    }

    private static boolean resolves(String host) {
        try {
            java.net.InetAddress.getByName(host);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static Stream<Path> brokenConfigs() throws IOException {
        return Files.list(Path.of("src/test/resources/broken-configs")).sorted();
    }

    @ParameterizedTest
    @MethodSource("brokenConfigs")
    void everyBrokenConfigFailsWithExitOneAndNamesFileAndLine(Path cfg) throws IOException {
        List<String> lines = Files.readAllLines(cfg);
        String line = lines.stream().filter(l -> l.startsWith("# line:")).findFirst().orElseThrow()
                .substring("# line:".length()).trim();

        int rc = run("-c", "-f", cfg.toString());

        assertThat(rc).isEqualTo(1);
        assertThat(err.toString()).contains("[" + cfg + ":" + line + "]");
        assertThat(out.toString()).doesNotContain("valid");
    }

    @Test
    void versionPrintsTheVersion() {
        assertThat(run("-v")).isZero();
        assertThat(out.toString()).startsWith("Pointsman version ");
    }

    @Test
    void withoutAFileItIsAUsageError() {
        assertThat(run()).isEqualTo(2);
        assertThat(err.toString()).contains("-f FILE");
    }

    @Test
    void anUnknownOptionIsAUsageError() {
        assertThat(run("--frobnicate")).isEqualTo(2);
    }

    @Test
    void aMissingFileIsAConfigurationError() {
        assertThat(run("-c", "-f", "does-not-exist.cfg")).isEqualTo(1);
        assertThat(err.toString()).contains("does-not-exist.cfg");
    }

    @Test
    void checkingAConfigWhoseMaxconnTheFdLimitCannotCarryWarnsAndStaysValid(@org.junit.jupiter.api.io.TempDir Path dir)
            throws IOException {
        Path cfg = dir.resolve("big.cfg");
        Files.writeString(cfg, """
                global
                    maxconn 2000000000
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 1m
                    timeout server 1m
                listen db
                    bind 127.0.0.1:5000
                    server s1 127.0.0.1:5432
                """);

        assertThat(run("-c", "-f", cfg.toString())).isZero();

        assertThat(out.toString()).contains("Configuration file is valid");
        assertThat(err.toString()).contains("[WARNING] config : FD limit (", "too low for maxconn=2000000000",
                "Raise 'ulimit -n'", "this shell's limit");
    }

    @org.junit.jupiter.api.Test
    void aProcessStartedUnderNohupIsToldThatSighupCannotReload(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path ignored = dir.resolve("ignored");
        java.nio.file.Path handled = dir.resolve("handled");
        java.nio.file.Files.writeString(ignored, "Name:\tjava\nSigIgn:\t0000000000000001\nSigCgt:\t0\n");
        java.nio.file.Files.writeString(handled, "Name:\tjava\nSigIgn:\t0000000000001000\nSigCgt:\t0\n");

        org.assertj.core.api.Assertions.assertThat(Cli.hangUpIgnored(ignored)).isTrue();
        org.assertj.core.api.Assertions.assertThat(Cli.hangUpIgnored(handled)).isFalse();
        org.assertj.core.api.Assertions.assertThat(Cli.hangUpIgnored(dir.resolve("absent"))).isFalse();
    }

    @ParameterizedTest
    @MethodSource("usualCommandLines")
    void theUsualCommandLinesReadWithoutPicocliAsPicocliReadsThem(List<String> args) {
        Cli plain = Cli.plain(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err));
        Cli parsed = new Cli(new PrintWriter(out), new PrintWriter(err));
        new picocli.CommandLine(parsed).parseArgs(args.toArray(String[]::new));

        assertThat(plain).isNotNull();
        assertThat(plain.files).isEqualTo(parsed.files);
        assertThat(plain.checkOnly).isEqualTo(parsed.checkOnly);
        assertThat(plain.version).isEqualTo(parsed.version);
    }

    static Stream<List<String>> usualCommandLines() {
        return Stream.of(List.of("-f", "a.cfg"), List.of("-c", "-f", "a.cfg", "-f", "conf.d"),
                List.of("-f", "a.cfg", "-c"), List.of("-v"), List.of("--version"), List.of());
    }

    @ParameterizedTest
    @MethodSource("otherCommandLines")
    void anyOtherCommandLineIsLeftToPicocli(List<String> args) {
        assertThat(Cli.plain(args.toArray(String[]::new), new PrintWriter(out), new PrintWriter(err))).isNull();
    }

    static Stream<List<String>> otherCommandLines() {
        return Stream.of(List.of("-h"), List.of("--help"), List.of("-c", "-c", "-f", "a"), List.of("-f"),
                List.of("-f", "-c"), List.of("-fa.cfg"), List.of("cluster"), List.of("-v", "--version"),
                List.of("-f", "a\0b"), List.of("-x"), List.of("-f", "cluster"), List.of("-c", "-f", "cluster"));
    }

    @Test
    void aFileNamedLikeTheSubcommandIsRejectedAsPicocliRejectsIt() {
        // picocli reads "-f cluster" as -f without a value followed by the subcommand; so does Pointsman
        assertThat(run("-f", "cluster")).isEqualTo(2);
        assertThat(err.toString()).startsWith("pointsman: ");
    }

    @Test
    void theFastPathKnowsEverySubcommandName() {
        assertThat(Cli.SUBCOMMANDS).isEqualTo(
                new picocli.CommandLine(new Cli(new PrintWriter(out), new PrintWriter(err))).getSubcommands().keySet());
    }

    @Test
    void anExceptionOnTheFastPathExitsAsPicocliExitsOnIt() {
        StringWriter picocliErr = new StringWriter();
        int picocli = new picocli.CommandLine(new Boom()).setErr(new PrintWriter(picocliErr, true)).execute();

        int fast = Cli.exitOf(new Boom(), new PrintWriter(err, true));

        assertThat(fast).isEqualTo(picocli).isEqualTo(1);
        assertThat(err.toString()).contains("IllegalStateException: boom");
        assertThat(picocliErr.toString()).contains("IllegalStateException: boom");
    }

    @picocli.CommandLine.Command(name = "boom")
    static final class Boom implements java.util.concurrent.Callable<Integer> {
        @Override
        public Integer call() {
            throw new IllegalStateException("boom");
        }
    }
}
