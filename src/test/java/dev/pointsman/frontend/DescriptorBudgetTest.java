package dev.pointsman.frontend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.pointsman.config.Config;
import dev.pointsman.config.Global;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.testing.EphemeralPorts;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** HAProxy's strict-limits: a maxconn the descriptor limit cannot carry is refused at start, with the numbers and the fix. */
class DescriptorBudgetTest {

    private static Config config(String global) throws Exception {
        return config(global, "127.0.0.1:5000-5001");
    }

    private static Config config(String global, String bind) throws Exception {
        return config(global, bind, "");
    }

    private static Config config(String global, String bind, String moreSections) throws Exception {
        return ConfigParser.system().parse("t.cfg", "global\n    nbthread 2\n" + global + """
                defaults
                    mode tcp
                    timeout connect 2s
                    timeout client 1m
                    timeout server 1m
                listen db
                    bind %s
                    server s1 127.0.0.1:5432 check
                    server s2 127.0.0.1:5433
                """.formatted(bind) + moreSections);
    }

    @Test
    void aMaxconnTheLimitCannotCarryIsNamedWithTheNumbersAndTheFix() throws Exception {
        // Given maxconn 1000 under ulimit -n 200
        DescriptorBudget budget = DescriptorBudget.of(config("    maxconn 1000\n"), 200);
        // Then 2 per session plus listeners (2 ports x 2 event loops), servers (2 x 2), the event loops (2 x 3)
        // and the JVM's reserve
        long overhead = DescriptorBudget.JVM_RESERVE + 4 + 4 + 2 * DescriptorBudget.PER_THREAD;
        assertThat(budget.needed()).isEqualTo(2000 + overhead);
        assertThat(budget.shortfall()).hasValueSatisfying(m -> assertThat(m).contains(
                "FD limit (200) too low for maxconn=1000/maxsock=" + (2000 + overhead),
                "Raise 'ulimit -n' (systemd: LimitNOFILE=) to " + (2000 + overhead) + " or more",
                "or lower maxconn to " + (200 - overhead) / 2 + " or less"));
    }

    @Test
    void eachAddressOfAFrontendTakesOneDescriptorPerEventLoopUnlessNoreuseport() throws Exception {
        // Given two ports under two event loops, with and without noreuseport
        DescriptorBudget perLoop = DescriptorBudget.of(config("    maxconn 50\n"), 1024);
        DescriptorBudget once = DescriptorBudget.of(config("    maxconn 50\n    noreuseport\n"), 1024);
        // Then each port is one socket per loop, or one
        assertThat(perLoop.needed() - once.needed()).isEqualTo(2);
    }

    @Test
    void eachStatsListenerHasAReserveInTheOverheadAndMayHoldItAndItsShareOfWhatIsSpare() throws Exception {
        // Given maxconn 50 under ulimit -n 256, without and with two stats listeners
        String stats = "listen stats\n    mode http\n    bind 127.0.0.1:8404\n    stats enable\n"
                + "listen stats2\n    mode http\n    bind 127.0.0.1:8405\n    stats enable\n";
        DescriptorBudget without = DescriptorBudget.of(config("    maxconn 50\n"), 256);
        DescriptorBudget with = DescriptorBudget.of(config("    maxconn 50\n", "127.0.0.1:5000-5001", stats), 256);

        // Then each stats listener takes its listening socket and its reserve
        assertThat(with.needed() - without.needed()).isEqualTo(2 * (1 + DescriptorBudget.STATS_RESERVE));
        assertThat(without.statsConnections()).isEqualTo(Integer.MAX_VALUE);
        // and each may hold its reserve and half of what the limit leaves
        long spare = 256 - with.needed();
        assertThat(with.statsConnections()).isEqualTo(DescriptorBudget.STATS_RESERVE + (int) spare / 2);
        // so sessions at maxconn, everything else and every stats connection fit in the limit
        assertThat(with.needed() - 2 * DescriptorBudget.STATS_RESERVE + 2L * with.statsConnections())
                .isLessThanOrEqualTo(256);
    }

    @Test
    void theDefaultMaxconnLoweredToFitLeavesTheStatsListenerItsReserve() throws Exception {
        String stats = "listen stats\n    mode http\n    bind 127.0.0.1:8404\n    stats enable\n";
        DescriptorBudget budget = DescriptorBudget.of(config("", "127.0.0.1:5000-5001", stats), 256);
        assertThat(budget.needed()).isLessThanOrEqualTo(256);
        assertThat(budget.statsConnections()).isBetween(DescriptorBudget.STATS_RESERVE, DescriptorBudget.STATS_RESERVE + 1);
        assertThat(budget.needed() - DescriptorBudget.STATS_RESERVE + budget.statsConnections()).isLessThanOrEqualTo(256);
        // and an unknown limit bounds nothing
        assertThat(DescriptorBudget.of(config("", "127.0.0.1:5000-5001", stats), -1).statsConnections())
                .isEqualTo(Integer.MAX_VALUE);
    }

    @Test
    void withStrictLimitsTheStartIsRefused() throws Exception {
        DescriptorBudget budget = DescriptorBudget.of(config("    maxconn 1000\n"), 200);
        assertThatThrownBy(budget::enforce).isInstanceOf(DescriptorLimitException.class)
                .hasMessageContaining("FD limit (200) too low for maxconn=1000")
                .hasMessageContaining("'no strict-limits'");
    }

    @Test
    void withNoStrictLimitsTheStartGoesOn() throws Exception {
        DescriptorBudget budget = DescriptorBudget.of(config("    maxconn 1000\n    no strict-limits\n"), 200);
        assertThat(budget.shortfall()).isPresent();
        assertThatCode(budget::enforce).doesNotThrowAnyException();
        assertThat(budget.maxconn()).as("an explicit maxconn is kept").isEqualTo(1000);
    }

    @Test
    void aLimitThatCarriesMaxconnIsNoShortfall() throws Exception {
        DescriptorBudget budget = DescriptorBudget.of(config("    maxconn 1000\n"), 4096);
        assertThat(budget.shortfall()).isEmpty();
        assertThatCode(budget::enforce).doesNotThrowAnyException();
    }

    @Test
    void withoutAGlobalMaxconnTheDefaultIsLoweredToWhatTheLimitCarriesAsHaproxyDerivesIt() throws Exception {
        DescriptorBudget low = DescriptorBudget.of(config(""), 1024);
        assertThat(low.maxconn()).isEqualTo((int) (1024 - (low.needed() - 2L * low.maxconn())) / 2);
        assertThat(low.needed()).isLessThanOrEqualTo(1024);
        assertThat(low.shortfall()).isEmpty();
        assertThatCode(low::enforce).doesNotThrowAnyException();
        assertThat(DescriptorBudget.of(config(""), 1_048_576).maxconn()).isEqualTo(Global.DEFAULT_MAXCONN);
    }

    @Test
    void anUnknownLimitChecksNothing() throws Exception {
        DescriptorBudget budget = DescriptorBudget.of(config("    maxconn 1000000\n"), -1);
        assertThat(budget.shortfall()).isEmpty();
        assertThat(budget.maxconn()).isEqualTo(1_000_000);
    }

    @Test
    void theLimitReadIsTheProcessSoftLimit() throws Exception {
        Path limits = Path.of("/proc/self/limits");
        assumeTrue(Files.isReadable(limits), "Linux only");
        String line = Files.readAllLines(limits).stream().filter(l -> l.startsWith("Max open files")).findFirst()
                .orElseThrow();
        long soft = Long.parseLong(line.substring("Max open files".length()).trim().split("\\s+")[0]);
        assertThat(DescriptorBudget.processLimit()).isEqualTo(soft);
    }

    @Test
    void aLimitsFileGivesItsSoftLimitAndNothingForUnlimitedOrMissing(@org.junit.jupiter.api.io.TempDir Path dir)
            throws Exception {
        String header = "Limit                     Soft Limit           Hard Limit           Units     \n";
        Path file = Files.writeString(dir.resolve("limits"),
                header + "Max open files            1024                 524288               files     \n");
        Path unlimited = Files.writeString(dir.resolve("unlimited"),
                header + "Max open files            unlimited            unlimited            files     \n");
        Path none = Files.writeString(dir.resolve("none"), header);

        assertThat(DescriptorBudget.procLimit(file)).isEqualTo(1024);
        assertThat(DescriptorBudget.procLimit(unlimited)).isEqualTo(-1);
        assertThat(DescriptorBudget.procLimit(none)).isEqualTo(-1);
        assertThat(DescriptorBudget.procLimit(dir.resolve("absent"))).isEqualTo(-1);
    }

    @Test
    void outOfDescriptorsTheLimitIsTheLastOneReadNotAnError(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        // CI: at EMFILE neither /proc/self/limits nor the management bean's libmanagement.so could be
        // opened, and the accept error's log line lost its "raise 'ulimit -n'" (DescriptorExhaustionIT)
        Path file = Files.writeString(dir.resolve("limits"),
                "Max open files            200                  524288               files     \n");

        assertThat(DescriptorBudget.processLimit(file)).isEqualTo(200);
        assertThat(DescriptorBudget.processLimit(dir.resolve("cannot-be-opened"))).isEqualTo(200);
        DescriptorBudget.processLimit(); // leave this process's own limit as the last one read
    }

    @Test
    void aProcessWhoseLimitCannotCarryItsMaxconnRefusesToStartUnlessNoStrictLimits() throws Exception {
        String bind = "127.0.0.1:1";
        Config strict = config("    maxconn 2000000000\n", bind);
        assumeTrue(DescriptorBudget.of(strict).shortfall().isPresent(), "a process limit above 4e9 descriptors");
        assertThatThrownBy(() -> Pointsman.start(strict)).isInstanceOf(DescriptorLimitException.class)
                .hasMessageContaining("too low for maxconn=2000000000");

        try (Pointsman started = Pointsman.start(EphemeralPorts.of(config("    maxconn 2000000000\n    no strict-limits\n",
                bind)))) {
            assertThat(started.gate().maxconn()).isEqualTo(2_000_000_000);
        }
    }
}
