package dev.pointsman;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** Pointsman's version, from the build's {@code version.properties}; "unknown" when absent. */
public final class Version {
    private Version() {}

    public static String current() {
        try (InputStream in = Version.class.getResourceAsStream("/dev/pointsman/version.properties")) {
            Properties p = new Properties();
            if (in != null) {
                p.load(in);
            }
            return p.getProperty("version", "unknown");
        } catch (IOException e) {
            return "unknown";
        }
    }
}
