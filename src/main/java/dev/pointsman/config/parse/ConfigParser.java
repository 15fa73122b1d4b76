package dev.pointsman.config.parse;

import dev.pointsman.config.Config;
import dev.pointsman.config.Source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * Reads HAProxy-syntax configuration into {@link Config}. Usage:
 * {@code Config c = ConfigParser.system().parse(List.of(Path.of("/etc/pointsman/pointsman.cfg")));}
 *
 * <p>All errors of the first pass (every keyword of every file) are reported together; the second
 * pass (cross-references, host resolution) runs only when the first is clean, as in HAProxy.
 */
public final class ConfigParser {
    private final Function<String, String> env;
    private final Resolver resolver;

    /**
     * @param env      environment lookup for {@code "${VAR}"}; null for an undefined variable
     * @param resolver name resolution for server addresses
     */
    public ConfigParser(Function<String, String> env, Resolver resolver) {
        this.env = Objects.requireNonNull(env, "env");
        this.resolver = Objects.requireNonNull(resolver, "resolver");
    }

    /** The process environment and the platform resolver. */
    public static ConfigParser system() {
        return new ConfigParser(System::getenv, Resolver.system());
    }

    /**
     * Parses files in order, like HAProxy's several {@code -f}; a directory stands for its
     * {@code *.cfg} files in lexical order.
     */
    public Config parse(List<Path> paths) throws ConfigException {
        Report report = new Report();
        Reader reader = new Reader(env, report);
        for (Path path : expand(paths, report)) {
            try {
                reader.read(path.toString(), new String(Files.readAllBytes(path), StandardCharsets.UTF_8));
            } catch (IOException e) {
                report.error(new Source(path.toString(), 0), "", "cannot read configuration file: " + describe(e));
            }
        }
        return link(reader, report);
    }

    /** Parses one text as if it were the file {@code fileName}. */
    public Config parse(String fileName, String text) throws ConfigException {
        Report report = new Report();
        Reader reader = new Reader(env, report);
        reader.read(fileName, text);
        return link(reader, report);
    }

    private Config link(Reader reader, Report report) throws ConfigException {
        report.throwIfErrors();
        Config config = new Linker(reader, report, resolver).link();
        report.throwIfErrors();
        return config;
    }

    private static List<Path> expand(List<Path> paths, Report report) {
        List<Path> files = new ArrayList<>();
        for (Path path : paths) {
            if (!Files.isDirectory(path)) {
                files.add(path);
                continue;
            }
            try (Stream<Path> entries = Files.list(path)) {
                entries.filter(p -> p.getFileName().toString().endsWith(".cfg") && Files.isRegularFile(p))
                        .sorted()
                        .forEach(files::add);
            } catch (IOException e) {
                report.error(new Source(path.toString(), 0), "", "cannot read configuration directory: " + describe(e));
            }
        }
        return files;
    }

    private static String describe(IOException e) {
        String type = e.getClass().getSimpleName();
        return switch (type) {
            case "NoSuchFileException" -> "no such file";
            case "AccessDeniedException" -> "permission denied";
            default -> type + (e.getMessage() == null ? "" : ": " + e.getMessage());
        };
    }
}
