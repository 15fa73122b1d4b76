package dev.pointsman.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Accept errors are logged naming the cause and the fix, at most once per interval, counting the others. */
class AcceptErrorsTest {
    private static final long SECOND = 1_000_000_000L;
    private final List<String> lines = new ArrayList<>();
    private final AcceptErrors errors = new AcceptErrors("db", () -> 200, lines::add);
    private final InetSocketAddress local = new InetSocketAddress(InetAddress.getLoopbackAddress(), 5432);
    private final IOException emfile = new IOException("accept(..) failed: Too many open files");

    @Test
    void aDescriptorShortageIsReportedWithTheLimitAndTheFix() {
        errors.failed(local, emfile, 0);

        assertThat(lines).containsExactly("Proxy db cannot accept on 127.0.0.1:5432: accept(..) failed: Too many"
                + " open files; not accepting there for 100 ms: the process's descriptor limit (200) is reached;"
                + " raise 'ulimit -n' (systemd: LimitNOFILE) or lower maxconn");
    }

    @Test
    void errorsWithinTheIntervalAreCountedAndReportedWithTheNextLine() {
        errors.failed(local, emfile, 0);
        for (int i = 1; i <= 99; i++) {
            errors.failed(local, emfile, i * SECOND / 10);
        }
        assertThat(lines).hasSize(1);

        errors.failed(local, emfile, 10 * SECOND);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(1)).endsWith("(99 more accept errors since the last report)");
    }

    @Test
    void anotherCauseIsNamedWithoutTheDescriptorHint() {
        errors.failed(local, new IOException("Cannot allocate memory"), 0);
        errors.failed(local, new IllegalStateException(), 20 * SECOND);
        errors.failed(local, new IOException("accept(..) failed: Too many open files in system"), 40 * SECOND);

        assertThat(lines.get(0)).contains("Cannot allocate memory; not accepting there for 100 ms").doesNotContain("ulimit");
        assertThat(lines.get(1)).contains("java.lang.IllegalStateException");
        assertThat(lines.get(2)).contains("the system's file limit is reached (fs.file-max)");
    }
}
