package dev.pointsman.admin;

import java.util.Arrays;
import java.util.List;

/**
 * What {@code show stat [{<px>|<iid>} <type> <sid>] [up|no-maint]} keeps of the CSV: one proxy
 * ({@code -1} all), the row types of the bit mask {@code type} (1 frontends, 2 backends, 4
 * servers; {@code -1} all), one server ({@code -1} all); {@code up} leaves out servers that are
 * DOWN or in maintenance, {@code no-maint} those in maintenance. Works on the CSV's own header,
 * so it keeps to whatever the page renders. Pure.
 */
record StatFilter(int iid, int types, int sid, boolean onlyUp, boolean hideMaint) {
    static final StatFilter ALL = new StatFilter(-1, -1, -1, false, false);

    StatFilter withUp() {
        return new StatFilter(iid, types, sid, true, hideMaint);
    }

    StatFilter withNoMaint() {
        return new StatFilter(iid, types, sid, onlyUp, true);
    }

    String apply(String csv) {
        if (this.equals(ALL)) {
            return csv;
        }
        String[] lines = csv.split("\n");
        if (lines.length == 0 || !lines[0].startsWith("# ")) {
            return csv;
        }
        List<String> names = Arrays.asList(lines[0].substring(2).split(",", -1));
        int iidAt = names.indexOf("iid");
        int typeAt = names.indexOf("type");
        int sidAt = names.indexOf("sid");
        int statusAt = names.indexOf("status");
        StringBuilder sb = new StringBuilder(csv.length()).append(lines[0]).append('\n');
        for (int i = 1; i < lines.length; i++) {
            String[] v = lines[i].split(",", -1);
            if (keeps(ShowCommands.atoi(v[iidAt]), ShowCommands.atoi(v[typeAt]), ShowCommands.atoi(v[sidAt]), v[statusAt])) {
                sb.append(lines[i]).append('\n');
            }
        }
        return sb.toString();
    }

    private boolean keeps(int rowIid, int rowType, int rowSid, String status) {
        if (iid != -1 && rowIid != iid) {
            return false;
        }
        if ((types & (1 << rowType)) == 0) {
            return false;
        }
        if (rowType != 2) {
            return true; // the server filters below apply to servers only
        }
        if (sid != -1 && rowSid != sid) {
            return false;
        }
        if (hideMaint && status.startsWith("MAINT")) {
            return false;
        }
        return !onlyUp || !(status.startsWith("DOWN") || status.startsWith("MAINT"));
    }
}
