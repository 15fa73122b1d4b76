package dev.pointsman.stats;

import java.util.List;

/**
 * HAProxy's {@code show stat} / {@code ;csv} format: a {@code # } header of every field's CSV
 * name in table order, then one line per row, each ending with a comma as HAProxy's do. Values
 * are never quoted: commas and line breaks inside text are replaced by spaces.
 */
final class CsvOutput {
    private CsvOutput() {}

    static String header() {
        StringBuilder sb = new StringBuilder(1200).append("# ");
        for (Field f : Field.values()) {
            sb.append(f.csv()).append(',');
        }
        return sb.append('\n').toString();
    }

    static String render(List<ProxyBlock> blocks) {
        StringBuilder sb = new StringBuilder(4096).append(header());
        for (ProxyBlock b : blocks) {
            for (Row r : b.rows()) {
                for (Field f : Field.values()) {
                    Object v = r.get(f);
                    if (v != null) {
                        sb.append(clean(v.toString()));
                    }
                    sb.append(',');
                }
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    private static String clean(String s) {
        return s.replace(',', ' ').replace('\n', ' ').replace('\r', ' ');
    }
}
