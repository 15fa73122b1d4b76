package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The measurement behind docs/FAULTS.md, run only with {@code -De2e.faults=all|LABEL,...} (CI never
 * sets it), usually through {@code bench/faults}: each named {@link Fault} in turn, against the proxy
 * of {@code -De2e.proxy} (a fresh process per fault, the reference config verbatim), each reported
 * by {@link FaultScenario#runFault} (a line on stdout, a row in target/e2e/faults-figures.md, the logs
 * in target/e2e/faults/PROXY-FAULT.txt). It asserts nothing about the proxy: it fails only when a
 * scenario could not be run.
 *
 * <p>{@code -De2e.faults.hold=S} (default 45) is how long the leader's and etcd's faults last,
 * {@code -De2e.faults.replicaHold=S} (default 20) the replica's faults and the proxy's restart.
 */
@EnabledIfSystemProperty(named = "e2e.faults", matches = ".+")
class FaultFiguresIT extends FaultScenario {

    @Test
    @Timeout(value = 120, unit = TimeUnit.MINUTES)
    void eachFaultUnderWrites() {
        List<String> errors = new ArrayList<>();
        for (Fault fault : Fault.parse(System.getProperty("e2e.faults"))) {
            Duration hold = fault.target == Fault.Target.REPLICA || fault == Fault.PROXY_KILL ? REPLICA_HOLD : PAST_TTL;
            System.out.printf("[faults] %s: %s, held %d s, %s%n", fault.label, fault.description, hold.toSeconds(),
                    System.getProperty("e2e.proxy", "pointsman"));
            try {
                cluster.awaitHealthy();
                startProxy("faults-" + fault.label);
                awaitSteadyRouting();
                runFault(fault, hold);
            } catch (Exception | AssertionError e) {
                errors.add(fault.label + ": " + e);
                e.printStackTrace(System.out);
            } finally {
                stopProxy();
            }
        }
        assertThat(errors).as("scenarios that could not be run").isEmpty();
    }
}
