package dev.pointsman.stats;

import dev.pointsman.check.CheckStatus;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * {@code /metrics}: every {@link Field} with a Prometheus name, per scope, as
 * {@code pointsman_<scope>_<name>} with labels {@code proxy} (and {@code server}), written by the
 * Prometheus client library's text format writer. Names mirror HAProxy's exporter
 * ({@code haproxy_server_status} → {@code pointsman_server_status}); states are gauges with a
 * {@code state} label, one sample per possible state, 1 for the current one, as HAProxy's are.
 */
final class PromOutput {
    static final String PREFIX = "pointsman_";
    static final String CONTENT_TYPE = PrometheusTextFormatWriter.CONTENT_TYPE;

    private static final List<String> SERVER_STATES = List.of("DOWN", "UP", "MAINT", "DRAIN", "NOLB");
    private static final List<String> PROXY_STATES = List.of("DOWN", "UP");
    private static final List<String> CHECK_STATES = Arrays.stream(CheckStatus.values()).map(Enum::name).toList();
    private static final List<String> STANDINGS = Arrays.stream(Standing.Kind.values()).map(Enum::name).toList();

    private PromOutput() {}

    static MetricSnapshots snapshots(List<ProxyBlock> blocks) {
        List<MetricSnapshot> out = new ArrayList<>();
        for (Scope scope : Scope.values()) {
            List<Row> rows = blocks.stream().flatMap(b -> b.rows().stream()).filter(r -> r.scope() == scope).toList();
            for (Field f : Field.values()) {
                if (f.prom() == null || !f.appliesTo(scope) || rows.stream().allMatch(r -> r.get(f) == null)) {
                    continue;
                }
                out.add(metric(scope, f, rows));
            }
        }
        return new MetricSnapshots(out);
    }

    static String render(List<ProxyBlock> blocks) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(16384);
        try {
            PrometheusTextFormatWriter.create().write(bytes, snapshots(blocks));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The full exposed name of a field in a scope, e.g. {@code pointsman_server_bytes_in_total}. */
    static String name(Scope scope, Field f) {
        return PREFIX + scope.prom() + "_" + f.prom();
    }

    private static MetricSnapshot metric(Scope scope, Field f, List<Row> rows) {
        String name = name(scope, f);
        return switch (f.kind()) {
            case COUNTER -> {
                CounterSnapshot.Builder b = CounterSnapshot.builder().name(strip(name)).help(f.help());
                for (Row r : rows) {
                    r.number(f).ifPresent(v -> b.dataPoint(CounterSnapshot.CounterDataPointSnapshot.builder()
                            .labels(labels(r)).value(v).build()));
                }
                yield b.build();
            }
            case STATE -> {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(f.help());
                String label = f == Field.PATRONI_ROLE ? "role" : "state";
                for (Row r : rows) {
                    Object v = r.get(f);
                    if (v == null) {
                        continue;
                    }
                    String current = stateOf(f, scope, v.toString());
                    List<String> states = states(f, scope);
                    for (String s : states.isEmpty() ? List.of(current) : states) {
                        b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                                .labels(labels(r).add(label, s)).value(s.equals(current) ? 1 : 0).build());
                    }
                }
                yield b.build();
            }
            default -> {
                GaugeSnapshot.Builder b = GaugeSnapshot.builder().name(name).help(f.help());
                double scale = f.kind() == Field.Kind.MILLIS ? 0.001 : 1;
                for (Row r : rows) {
                    r.number(f).ifPresent(v -> b.dataPoint(GaugeSnapshot.GaugeDataPointSnapshot.builder()
                            .labels(labels(r)).value(v * scale).build()));
                }
                yield b.build();
            }
        };
    }

    /** The library adds {@code _total} to counters itself. */
    private static String strip(String name) {
        return name.endsWith("_total") ? name.substring(0, name.length() - "_total".length()) : name;
    }

    private static Labels labels(Row r) {
        return r.scope() == Scope.SERVER ? Labels.of("proxy", r.proxy(), "server", r.name()) : Labels.of("proxy", r.proxy());
    }

    private static List<String> states(Field f, Scope scope) {
        if (f == Field.STATUS) {
            return scope == Scope.SERVER ? SERVER_STATES : PROXY_STATES;
        }
        if (f == Field.CHECK_STATUS) {
            return CHECK_STATES;
        }
        return f == Field.STANDING ? STANDINGS : List.of();
    }

    /** HAProxy's exporter state for a status text: "UP 1/3" is UP, "DOWN 1/2" DOWN, "no check" UP, OPEN UP. */
    private static String stateOf(Field f, Scope scope, String value) {
        if (f != Field.STATUS) {
            return value;
        }
        if (scope != Scope.SERVER) {
            return value.equals("OPEN") || value.equals("FULL") || value.equals("UP") ? "UP" : "DOWN";
        }
        if (value.startsWith("UP") || value.equals("no check")) {
            return "UP";
        }
        return value.startsWith("DOWN") ? "DOWN" : value;
    }
}
