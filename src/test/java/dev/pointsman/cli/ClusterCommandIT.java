package dev.pointsman.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.testing.RealCluster;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** {@code pointsman cluster} against a Pointsman running the reference config (ports shifted) on the real cluster. */
class ClusterCommandIT {

    private static int freePort() throws java.io.IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void printsTheClusterLikePatronictlList() throws Exception {
        RealCluster.assumeReachable();
        int stats = freePort();
        String cfg = Files.readString(Path.of("examples/patroni-haproxy.cfg"))
                .replace("*:5000", "127.0.0.1:" + freePort()).replace("*:5001", "127.0.0.1:" + freePort())
                .replace("*:7000", "127.0.0.1:" + stats);
        try (Pointsman p = Pointsman.start(ConfigParser.system().parse("shifted.cfg", cfg))) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                StringWriter out = new StringWriter();
                int rc = Cli.run(new String[] {"cluster", "-u", "http://127.0.0.1:" + stats + "/"},
                        new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
                assertThat(rc).isZero();
                String leader = RealCluster.leader().orElseThrow();
                assertThat(out.toString()).contains("backend primary:", "backend standby:", "pg-1", "pg-2", "pg-3")
                        .containsPattern("\\| " + leader + " +\\| [0-9.]+ +\\| Leader");
            });
        }
    }
}
