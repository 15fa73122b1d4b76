package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/pointsman never fails because of the class-data archive. The "java" it runs is a script on a
 * temporary PATH that prints its arguments, so the test sees which options the launcher chose.
 */
class LauncherScriptTest {
    @TempDir
    Path dir;

    private Path jar;
    private Path archive;

    @BeforeEach
    void fakeJavaAndJar() throws IOException {
        Path java = dir.resolve("fakejava");
        Files.writeString(java, "#!/bin/sh\necho \"ran: $*\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
        jar = Files.writeString(dir.resolve("pointsman.jar"), "not really a jar");
        archive = dir.resolve("pointsman.jsa");
    }

    @Test
    void aBareJavaCommandNameStartsJava() throws Exception {
        Result r = launch(Map.of());

        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("ran: ").contains("-jar " + jar + " -v").doesNotContain("SharedArchiveFile");
    }

    @Test
    void aMatchingArchiveIsUsedAndATruncatedOneIsNot() throws Exception {
        makeArchiveAsPointsmanCdsDoes();
        assertThat(launch(Map.of()).output).contains("-XX:SharedArchiveFile=" + archive);

        Files.write(archive, new byte[100]);
        Result truncated = launch(Map.of());

        assertThat(truncated.exit).as(truncated.output).isZero();
        assertThat(truncated.output).contains("ran: ").doesNotContain("SharedArchiveFile");
    }

    @Test
    void cdsOffIgnoresAMatchingArchive() throws Exception {
        makeArchiveAsPointsmanCdsDoes();

        Result r = launch(Map.of("POINTSMAN_CDS", "off"));

        assertThat(r.exit).as(r.output).isZero();
        assertThat(r.output).contains("ran: ").doesNotContain("SharedArchiveFile");
    }

    @Test
    void anArchiveIdWithoutItsSizeIsNotTrusted() throws Exception {
        makeArchiveAsPointsmanCdsDoes();
        Files.writeString(archive.resolveSibling("pointsman.jsa.id"),
                Files.readAllLines(archive.resolveSibling("pointsman.jsa.id")).get(0) + "\n");

        assertThat(launch(Map.of()).output).contains("ran: ").doesNotContain("SharedArchiveFile");
    }

    @Test
    void killingPointsmanCdsStopsItsTrainingProxy() throws Exception {
        Path pidFile = dir.resolve("java.pid");
        Path java = dir.resolve("fakejava");
        Files.writeString(java, "#!/bin/sh\necho $$ > " + pidFile + "\nexec sleep 60\n");
        ProcessBuilder pb = new ProcessBuilder("bash", "bin/pointsman-cds").redirectErrorStream(true)
                .redirectOutput(dir.resolve("cds.log").toFile());
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        pb.environment().put("POINTSMAN_JAVA", "fakejava");
        pb.environment().put("POINTSMAN_JAR", jar.toString());
        Process cds = pb.start();
        ProcessHandle training = null;
        try {
            await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            training = ProcessHandle.of(pid).orElseThrow();

            cds.destroy(); // SIGTERM

            assertThat(cds.waitFor(10, TimeUnit.SECONDS)).isTrue();
            ProcessHandle t = training;
            await().atMost(Duration.ofSeconds(5)).until(() -> !t.isAlive());
        } finally {
            cds.destroyForcibly();
            if (training != null) {
                training.destroyForcibly();
            }
        }
    }

    /** The launcher's dump mode writes the .id; bin/pointsman-cds then appends the archive's size and mtime. */
    private void makeArchiveAsPointsmanCdsDoes() throws Exception {
        Result dump = launch(Map.of("POINTSMAN_CDS_DUMP", archive.toString()));
        assertThat(dump.output).contains("-XX:ArchiveClassesAtExit=" + archive);
        Files.write(archive, new byte[4096]);
        Path id = archive.resolveSibling("pointsman.jsa.id");
        Files.writeString(id, Files.readString(id) + "archive " + Files.size(archive) + "."
                + Files.getLastModifiedTime(archive).to(TimeUnit.SECONDS) + "\n");
    }

    private Result launch(Map<String, String> env) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "bin/pointsman", "-v").redirectErrorStream(true);
        pb.environment().put("PATH", dir + ":" + System.getenv("PATH"));
        pb.environment().put("POINTSMAN_JAVA", "fakejava");
        pb.environment().put("POINTSMAN_JAR", jar.toString());
        pb.environment().remove("POINTSMAN_CDS");
        pb.environment().remove("POINTSMAN_CDS_DUMP");
        pb.environment().putAll(env);
        Process p = pb.start();
        assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
        return new Result(p.exitValue(), new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8));
    }

    private record Result(int exit, String output) {}
}
