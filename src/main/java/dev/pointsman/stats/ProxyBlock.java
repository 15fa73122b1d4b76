package dev.pointsman.stats;

import java.util.List;

/** One proxy's rows in HAProxy's order: FRONTEND, its servers, BACKEND (each when the proxy has that side). */
record ProxyBlock(String name, String mode, List<Row> rows) {
    ProxyBlock {
        rows = List.copyOf(rows);
    }
}
