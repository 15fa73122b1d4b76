package dev.pointsman.e2e;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's Chromium, headless, one process per page: a screenshot ({@code --screenshot}) or the
 * DOM after rendering ({@code --dump-dom}). Each run gets a new empty profile (deleted afterwards),
 * the flags that keep it off the network and the GPU, and {@link #RUN_BOUND}; a run that takes
 * longer is killed with its descendants. Chromium's stderr (dbus complaints and the like) goes to
 * target/e2e/chromium-LABEL.log.
 *
 * <p>The binary is {@code -De2e.chromium=PATH}, else {@code chromium} on the PATH. ./test
 * installs Debian's package when it brings the cluster up.
 */
final class HeadlessChromium {
    static final Duration RUN_BOUND = Duration.ofSeconds(60);
    static final String WINDOW_SIZE = "1400,1000";
    private static final List<String> FLAGS = List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync");

    private final Path binary;

    private HeadlessChromium(Path binary) {
        this.binary = binary;
    }

    /**
     * The guard of a browser test: Chromium's binary, or the test skipped loudly when there is none;
     * when the environment variable CI is set, it fails instead.
     */
    static HeadlessChromium assumeInstalledOrFailInCi() {
        Path found = locate();
        if (found == null) {
            String missing = "no chromium found (-De2e.chromium, or `chromium` on the PATH)";
            if (System.getenv("CI") != null) {
                fail("CI: " + missing + ": ./test installs Debian's chromium when it brings the cluster up; did that"
                        + " step fail? Its apt-get output: /tmp/pointsman-apt-chromium.log");
            }
            String msg = "*** SKIPPED: " + missing + " — ./test installs it, or: apt-get install -y"
                    + " --no-install-recommends chromium ***";
            System.err.println(msg);
            Assumptions.abort(msg);
        }
        return new HeadlessChromium(found);
    }

    private static Path locate() {
        String configured = System.getProperty("e2e.chromium");
        if (configured != null && !configured.isBlank()) {
            Path p = Path.of(configured);
            return Files.isExecutable(p) ? p : null;
        }
        String path = System.getenv().getOrDefault("PATH", "/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, "chromium"))) {
                return Path.of(dir, "chromium");
            }
        }
        return null;
    }

    /** Renders {@code url} in a {@value #WINDOW_SIZE} window and writes a PNG of it to {@code png}. */
    Path screenshot(URI url, Path png) {
        try {
            Files.deleteIfExists(png);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        String label = png.getFileName().toString().replaceFirst("\\.png$", "");
        run(label, List.of("--screenshot=" + png.toAbsolutePath(), "--window-size=" + WINDOW_SIZE), url);
        byte[] head = readHead(png);
        if (head.length < 8 || head[1] != 'P' || head[2] != 'N' || head[3] != 'G') {
            throw new IllegalStateException("chromium wrote no PNG to " + png + "; see " + log(label));
        }
        return png;
    }

    /** The DOM after rendering {@code url}, serialized as HTML. */
    String dumpDom(URI url, String label) {
        String dom = run(label, List.of("--dump-dom"), url);
        if (dom.isBlank()) {
            throw new IllegalStateException("chromium dumped no DOM of " + url + "; see " + log(label));
        }
        return dom;
    }

    /** Runs Chromium on {@code url} with {@code extra} arguments, bounded; returns its stdout. */
    private String run(String label, List<String> extra, URI url) {
        Path profile = null;
        Path stdout = null;
        Path stderr = log(label);
        try {
            profile = Files.createTempDirectory("pointsman-chromium-");
            stdout = Files.createTempFile(E2eDirs.output(), "chromium-", ".out");
            List<String> command = new ArrayList<>();
            command.add(binary.toString());
            command.addAll(FLAGS);
            command.add("--user-data-dir=" + profile);
            command.addAll(extra);
            command.add(url.toString());
            Process p = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(RUN_BOUND.toSeconds(), TimeUnit.SECONDS)) {
                try (Stream<ProcessHandle> d = p.descendants()) {
                    d.forEach(ProcessHandle::destroyForcibly);
                }
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new IllegalStateException("chromium took longer than " + RUN_BOUND + " on " + url
                        + " and was killed: " + command + "; see " + stderr);
            }
            if (p.exitValue() != 0) {
                throw new IllegalStateException("chromium exited " + p.exitValue() + ": " + command + "; see " + stderr);
            }
            return Files.readString(stdout, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("chromium on " + url, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: chromium on " + url, e);
        } finally {
            deleteQuietly(stdout);
            deleteTreeQuietly(profile);
        }
    }

    private static Path log(String label) {
        return E2eDirs.output().resolve("chromium-" + label + ".log");
    }

    private static byte[] readHead(Path file) {
        if (!Files.isRegularFile(file)) {
            return new byte[0];
        }
        try (var in = Files.newInputStream(file)) {
            return in.readNBytes(8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void deleteQuietly(Path file) {
        if (file != null) {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a leftover temp file under target/ is harmless
            }
        }
    }

    private static void deleteTreeQuietly(Path dir) {
        if (dir == null) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            all.sorted(Comparator.reverseOrder()).forEach(HeadlessChromium::deleteQuietly);
        } catch (IOException ignored) {
            // a leftover profile under the temp dir is harmless
        }
    }
}
