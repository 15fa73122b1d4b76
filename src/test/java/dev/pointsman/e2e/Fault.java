package dev.pointsman.e2e;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * The fault scenarios of docs/FAULTS.md (issue 13), each done with {@code scripts/cluster} while
 * the write probe, long sessions and (for the standby port's faults) the read probe run; see
 * {@link FaultScenario#runFault}.
 */
enum Fault {
    FREEZE_WHOLE("freeze-whole", Target.LEADER, "the leader frozen whole (Patroni, postmaster and every backend) past ttl, then resumed"),
    FREEZE_PATRONI("freeze-patroni", Target.LEADER, "only the leader's Patroni frozen past ttl (PostgreSQL goes on as a primary), then resumed"),
    ETCD_DOWN("etcd-down", Target.NONE, "every etcd member stopped past ttl, failsafe_mode off, then started"),
    ETCD_DOWN_FAILSAFE("etcd-down-failsafe", Target.NONE, "every etcd member stopped past ttl, failsafe_mode on, then started"),
    PARTITION("partition", Target.LEADER, "the leader cut off from etcd and the other nodes (not from the proxy) past ttl, then healed"),
    REPLICA_CRASH("replica-crash", Target.REPLICA, "a replica crashed (kill -9 of Patroni and postmaster), restored later"),
    REPLICA_LAG("replica-lag", Target.REPLICA, "a replica lagging (WAL replay paused), then resumed"),
    PROXY_KILL("proxy-kill", Target.NONE, "the proxy killed (-9) under load and started again at once");

    enum Target { LEADER, REPLICA, NONE }

    final String label;
    final Target target;
    final String description;

    Fault(String label, Target target, String description) {
        this.label = label;
        this.target = target;
        this.description = description;
    }

    /** Faults of the standby port: long sessions and the read probe go through 5001. */
    boolean standbySide() {
        return target == Target.REPLICA;
    }

    /** Whether the read probe runs (the standby port's faults, and the proxy's restart). */
    boolean reads() {
        return target == Target.REPLICA || this == PROXY_KILL;
    }

    /** "all", or labels separated by commas or spaces. */
    static List<Fault> parse(String list) {
        if (list.isBlank() || list.trim().equals("all")) {
            return List.of(values());
        }
        return Arrays.stream(list.trim().split("[,\\s]+")).map(Fault::of).toList();
    }

    static Fault of(String label) {
        return Arrays.stream(values()).filter(f -> f.label.equals(label.toLowerCase(Locale.ROOT))).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("fault: " + label + " (expected: all or one of "
                        + Arrays.stream(values()).map(f -> f.label).toList() + ")"));
    }
}
