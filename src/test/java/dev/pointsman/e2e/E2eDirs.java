package dev.pointsman.e2e;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Where the project is (system property {@code pointsman.home}) and where e2e output goes. */
final class E2eDirs {
    private E2eDirs() {}

    /** The project directory: scripts/cluster, bin/pointsman and examples/ are found under it. */
    static Path home() {
        return Path.of(System.getProperty("pointsman.home", System.getProperty("user.dir"))).toAbsolutePath();
    }

    /** Proxy logs, cluster script output and figures.md: {@code e2e.dir}, else target/e2e of this checkout. */
    static Path output() {
        String dir = System.getProperty("e2e.dir");
        Path out = dir != null ? Path.of(dir) : Path.of(System.getProperty("user.dir"), "target", "e2e");
        try {
            return Files.createDirectories(out.toAbsolutePath());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + out, e);
        }
    }

    /** The reference configuration, used verbatim: 5000 primary, 5001 standby, 7000 stats. */
    static Path referenceConfig() {
        return home().resolve("examples/patroni-haproxy.cfg");
    }
}
