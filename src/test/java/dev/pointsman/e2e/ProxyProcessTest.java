package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** How the Pointsman process under test gets Netty's leak detection, and how its leak reports fail the test. */
class ProxyProcessTest {
    static final Path LAUNCHER = Path.of("bin/pointsman");

    @Test
    void childKeepsTheLaunchersDefaultsWithLeakDetectionTurnedToParanoid() {
        String opts = ProxyProcess.javaOpts(LAUNCHER, null, "paranoid");

        assertThat(opts).contains("-Xmx256m", "-XX:+UseSerialGC", "-Dio.netty.jfr.enabled=false")
                .contains("-Dio.netty.leakDetection.level=paranoid")
                .doesNotContain("leakDetection.level=disabled");
    }

    @Test
    void callersOwnJavaOptionsAreKeptAndGetTheLevelAdded() {
        assertThat(ProxyProcess.javaOpts(LAUNCHER, "-Xmx1g", "paranoid"))
                .isEqualTo("-Xmx1g -Dio.netty.leakDetection.level=paranoid");
        assertThat(ProxyProcess.javaOpts(LAUNCHER, "-Xmx1g -Dio.netty.leakDetection.level=simple", "disabled"))
                .isEqualTo("-Xmx1g -Dio.netty.leakDetection.level=disabled");
    }

    @Test
    void nettysLeakReportInTheOutputFailsWithTheReport() {
        String output = "2026-12-01T04:00:00Z INFO  [main] pointsman: Proxy started\n"
                + "2026-12-01T04:00:09Z ERROR [pointsman-3-1] ResourceLeakDetector: LEAK: ByteBuf.release() was not"
                + " called before it's garbage-collected. See https://netty.io/wiki/reference-counted-objects.html\n"
                + "Recent access records: \n#1:\n\tio.netty.buffer.AdvancedLeakAwareByteBuf.writeBytes(...)\n";

        assertThatThrownBy(() -> ProxyProcess.assertNoLeak(Path.of("x.log"), output))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("x.log")
                .hasMessageContaining("ERROR [pointsman-3-1] ResourceLeakDetector: LEAK: ByteBuf.release()")
                .hasMessageContaining("AdvancedLeakAwareByteBuf.writeBytes")
                .hasMessageNotContaining("Proxy started");
    }

    @Test
    void outputWithoutLeakReportPasses() {
        assertThatCode(() -> ProxyProcess.assertNoLeak(Path.of("x.log"),
                "pointsman: Proxy started\nhealth: Server pg/pg-1 is UP\n")).doesNotThrowAnyException();
    }
}
