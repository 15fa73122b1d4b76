package dev.pointsman.stats;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A strict little parser of the Prometheus text format (0.0.4) for tests: the client library
 * 1.x ships writers only, no parser. Every line must be a # HELP, a # TYPE or a sample; a sample's
 * family must have been declared with TYPE; label values are unescaped.
 */
final class PromText {
    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern SAMPLE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)})? (\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    final Map<String, String> types = new LinkedHashMap<>();
    final List<Sample> samples = new ArrayList<>();

    static PromText parse(String text) {
        PromText p = new PromText();
        for (String line : text.split("\n")) {
            if (line.isEmpty()) {
                continue;
            }
            if (line.startsWith("# HELP ")) {
                continue;
            }
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                p.types.put(parts[2], parts[3]);
                continue;
            }
            Matcher m = SAMPLE.matcher(line);
            if (!m.matches()) {
                throw new IllegalArgumentException("not a sample: " + line);
            }
            String name = m.group(1);
            String family = p.types.containsKey(name) ? name : name.replaceAll("_total$", "");
            if (!p.types.containsKey(family)) {
                throw new IllegalArgumentException("sample before its TYPE: " + line);
            }
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(3) != null) {
                Matcher l = LABEL.matcher(m.group(3));
                int end = 0;
                while (l.find() && l.start() == end) {
                    labels.put(l.group(1), l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
                    end = l.end();
                }
                if (end != m.group(3).length()) {
                    throw new IllegalArgumentException("bad labels: " + line);
                }
            }
            p.samples.add(new Sample(name, labels, Double.parseDouble(m.group(4))));
        }
        return p;
    }

    double value(String name, String... labels) {
        return samples.stream().filter(s -> s.name().equals(name) && matches(s.labels(), labels)).findFirst()
                .orElseThrow(() -> new AssertionError("no sample " + name + " " + String.join(",", labels)))
                .value();
    }

    private static boolean matches(Map<String, String> have, String... kv) {
        for (int i = 0; i < kv.length; i += 2) {
            if (!kv[i + 1].equals(have.get(kv[i]))) {
                return false;
            }
        }
        return true;
    }
}
