package dev.pointsman.cluster;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * A view as {@code patronictl list} prints it (Member | Host | Role | State | TL | Lag in MB, plus
 * Pending restart and Tags when any member has them), followed by what Pointsman adds: the
 * leader's own word, the server each member is, staleness and problems.
 */
public final class ClusterTable {
    private ClusterTable() {}

    public static String format(ClusterView view) {
        boolean pending = view.members().stream().anyMatch(Member::pendingRestart);
        boolean tags = view.members().stream().anyMatch(m -> !m.tags().isEmpty());
        List<String> header = new ArrayList<>(List.of("Member", "Host", "Role", "State", "TL", "Lag in MB"));
        if (pending) {
            header.add("Pending restart");
        }
        if (tags) {
            header.add("Tags");
        }
        header.add("Server");
        List<List<String>> rows = new ArrayList<>();
        for (Member m : view.members()) {
            List<String> row = new ArrayList<>(List.of(m.name(), host(m), role(m.role()), nz(m.state()),
                    m.timeline() == null ? "" : m.timeline().toString(), lag(m)));
            if (pending) {
                row.add(m.pendingRestart() ? "*" : "");
            }
            if (tags) {
                row.add(m.tags().entrySet().stream().map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining(", ")));
            }
            row.add(m.server() == null ? "(not in config)" : m.server());
            rows.add(row);
        }
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) {
            width[i] = header.get(i).length();
            for (List<String> r : rows) {
                width[i] = Math.max(width[i], r.get(i).length());
            }
        }
        StringBuilder sb = new StringBuilder();
        String rule = rule(width);
        String title = "+ Cluster: " + (view.scope() == null ? "?" : view.scope()) + " ";
        sb.append(title.length() < rule.length() ? title + rule.substring(title.length()) : title).append('\n');
        line(sb, header, width, List.of());
        sb.append(rule).append('\n');
        for (List<String> r : rows) {
            line(sb, r, width, List.of(4, 5));
        }
        sb.append(rule).append('\n');
        footer(sb, view);
        return sb.toString();
    }

    private static void footer(StringBuilder sb, ClusterView view) {
        ClusterView.LeaderStatus s = view.leaderStatus();
        if (s != null) {
            sb.append(" Leader ").append(s.member()).append(": ").append(s.error() != null ? "/patroni unanswered ("
                    + s.error() + ")" : "/patroni role " + s.role() + ", state " + s.state()
                    + (s.confirmed() ? " (confirmed primary)" : " (not confirmed)")).append('\n');
        } else {
            sb.append(" No leader\n");
        }
        if (!view.unknownServers().isEmpty()) {
            sb.append(" Servers not in the cluster: ").append(String.join(", ", view.unknownServers())).append('\n');
        }
        if (view.stale()) {
            sb.append(" STALE: no answer for ").append(view.limits().staleAfterMillis()).append(" ms\n");
        }
        if (view.problem() != null) {
            sb.append(" INCONSISTENT: ").append(view.problem()).append('\n');
        }
    }

    private static String host(Member m) {
        String host = nz(m.host());
        return m.port() == 0 || m.port() == 5432 ? host : host + ":" + m.port();
    }

    /** {@code sync_standby} → {@code Sync Standby}, as patronictl prints roles. */
    private static String role(String role) {
        if (role == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder();
        for (String word : role.split("_")) {
            if (!word.isEmpty()) {
                sb.append(sb.length() == 0 ? "" : " ").append(word.substring(0, 1).toUpperCase(Locale.ROOT))
                        .append(word.substring(1));
            }
        }
        return sb.toString();
    }

    private static String lag(Member m) {
        if (m.lagUnknown()) {
            return "unknown";
        }
        return m.lag() == null ? "" : Long.toString(Math.round(m.lag() / 1048576.0));
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    private static String rule(int[] width) {
        StringBuilder sb = new StringBuilder("+");
        for (int w : width) {
            sb.append("-".repeat(w + 2)).append('+');
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> cells, int[] width, List<Integer> rightAligned) {
        sb.append('|');
        for (int i = 0; i < width.length; i++) {
            String c = cells.get(i);
            String pad = " ".repeat(width[i] - c.length());
            sb.append(' ').append(rightAligned.contains(i) ? pad + c : c + pad).append(" |");
        }
        sb.append('\n');
    }
}
