package dev.pointsman.stats;

import dev.pointsman.backend.PrimaryChange;
import java.util.List;

/**
 * One proxy's rows in HAProxy's order: FRONTEND, its servers, BACKEND (each when the proxy has that
 * side), and the newest changes of primary its backend saw (the switchover report; the page shows them).
 */
record ProxyBlock(String name, String mode, List<Row> rows, List<PrimaryChange> changes) {
    ProxyBlock {
        rows = List.copyOf(rows);
        changes = List.copyOf(changes);
    }

    ProxyBlock(String name, String mode, List<Row> rows) {
        this(name, mode, rows, List.of());
    }
}
