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

    @Test
    void printsTheClusterLikePatronictlList() throws Exception {
        RealCluster.assumeReachable();
        String cfg = Files.readString(Path.of("examples/patroni-haproxy.cfg"))
                .replace("*:5000", "127.0.0.1:25000").replace("*:5001", "127.0.0.1:25001")
                .replace("*:7000", "127.0.0.1:27000");
        try (Pointsman p = Pointsman.start(ConfigParser.system().parse("shifted.cfg", cfg))) {
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                StringWriter out = new StringWriter();
                int rc = Cli.run(new String[] {"cluster", "-u", "http://127.0.0.1:27000/"},
                        new PrintWriter(out, true), new PrintWriter(new StringWriter(), true));
                assertThat(rc).isZero();
                String leader = RealCluster.leader().orElseThrow();
                assertThat(out.toString()).contains("backend primary:", "backend standby:", "pg-1", "pg-2", "pg-3")
                        .containsPattern("\\| " + leader + " +\\| [0-9.]+ +\\| Leader");
            });
        }
    }
}
