package dev.pointsman;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Pointsman's version and build date, from the build's {@code version.properties}; "unknown" when absent. */
public final class Version {
    private Version() {}

    public static String current() {
        return property("version");
    }

    /** The build's date, yyyy/MM/dd ("unknown" when absent). */
    public static String buildDate() {
        return property("date");
    }

    private static String property(String name) {
        try (InputStream in = Version.class.getResourceAsStream("/dev/pointsman/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            String v = p.getProperty(name, "unknown");
            return v.startsWith("${") ? "unknown" : v;
        } catch (IOException e) {
            return "unknown";
        }
    }
}
