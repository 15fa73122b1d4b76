package dev.pointsman.config.parse;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * src/test/resources/broken-configs: one defect per file, described by its first two lines
 * {@code # expect: <substring of the message>} and {@code # line: <N>}.
 */
class BrokenConfigsTest {
    static final Path DIR = Path.of("src/test/resources/broken-configs");

    static Stream<Path> files() throws IOException {
        try (Stream<Path> s = Files.list(DIR)) {
            List<Path> files = s.filter(p -> p.toString().endsWith(".cfg")).sorted().toList();
            assertThat(files).hasSizeGreaterThanOrEqualTo(14);
            return files.stream();
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("files")
    void brokenConfigFailsWithItsExpectedMessageAtItsLine(Path file) throws IOException {
        // Given a file with one defect and its expectation in the header
        List<String> lines = Files.readAllLines(file);
        String expect = header(lines.get(0), "# expect: ");
        int line = Integer.parseInt(header(lines.get(1), "# line: "));
        // When it is parsed
        ConfigException e = catchThrowableOfType(ConfigException.class,
                () -> Configs.PARSER.parse(List.of(file)));
        // Then it fails with exactly that one error, at that file:line
        assertThat(e).as("%s must fail", file).isNotNull();
        assertThat(e.getMessage()).contains("[" + file + ":" + line + "]").contains(expect);
        assertThat(e.problems()).as("one defect per file").hasSize(1);
    }

    private static String header(String line, String prefix) {
        assertThat(line).startsWith(prefix);
        return line.substring(prefix.length()).strip();
    }
}
