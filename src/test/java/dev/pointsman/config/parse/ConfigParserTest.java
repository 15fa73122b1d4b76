package dev.pointsman.config.parse;

import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class ConfigParserTest {
    @TempDir
    Path dir;

    private Path write(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void severalFilesAreReadInOrderAndDefaultsCarryOver() throws Exception {
        Path a = write("a.cfg", "global\n    maxconn 50\n" + Configs.DEFAULTS + "    retries 1\n");
        Path b = write("b.cfg", "listen pg\n    bind :5000\n    server pg-1 pg-1:5432\n");
        Config c = Configs.PARSER.parse(List.of(a, b));
        assertThat(c.global().maxconn()).isEqualTo(50);
        assertThat(c.proxy("pg").orElseThrow().retries()).isEqualTo(1);
        assertThat(c.proxy("pg").orElseThrow().source().file()).isEqualTo(b.toString());
    }

    @Test
    void directoryStandsForItsCfgFilesInLexicalOrder() throws Exception {
        Path conf = dir.resolve("conf.d");
        write("conf.d/20-pg.cfg", "listen pg\n    bind :5000\n    server pg-1 pg-1:5432\n");
        write("conf.d/10-defaults.cfg", Configs.DEFAULTS);
        write("conf.d/30-other.cfg", "listen other\n    bind :5001\n    server pg-2 pg-2:5432\n");
        write("conf.d/README", "not a config\n");
        write("conf.d/99-disabled.cfg.bak", "garbage\n");
        Config c = Configs.PARSER.parse(List.of(conf));
        assertThat(c.proxies()).extracting(Proxy::name).containsExactly("pg", "other");
        assertThat(c.notices()).isEmpty();
    }

    @Test
    void eachFileStartsOutsideAnySection() throws Exception {
        Path a = write("a.cfg", Configs.DEFAULTS + "listen pg\n    bind :5000\n");
        Path b = write("b.cfg", "    server pg-1 pg-1:5432\n");
        ConfigException e = catchThrowableOfType(ConfigException.class, () -> Configs.PARSER.parse(List.of(a, b)));
        assertThat(e.getMessage()).contains("[" + b + ":1]").contains("'server' must be inside a section");
    }

    @Test
    void missingFileIsAnErrorNamingIt() {
        Path missing = dir.resolve("nope.cfg");
        assertThatThrownBy(() -> Configs.PARSER.parse(List.of(missing)))
                .isInstanceOf(ConfigException.class)
                .hasMessage("parsing [" + missing + "] : cannot read configuration file: no such file");
    }

    @Test
    void everyErrorOfTheFirstPassIsReportedOnePerLine() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen pg\n    bind :5000\n    balanse first\n"
                + "    retries x\n    server pg-1 pg-1:5432 rise 0\n    acl a src 1.2.3.4\n");
        assertThat(e.problems()).extracting(p -> p.source().line()).containsExactly(7, 8, 9, 10);
        assertThat(e.problems()).extracting(ConfigException.Problem::keyword)
                .containsExactly("balanse", "retries", "rise", "acl");
        assertThat(e.getMessage().lines()).hasSize(4).allSatisfy(l -> assertThat(l).startsWith("parsing [t.cfg:"));
    }

    @Test
    void secondPassWaitsForACleanFirstPass() {
        // a bad keyword and an unknown backend: HAProxy reports only the first pass's errors
        ConfigException e = Configs.failure(Configs.DEFAULTS + "frontend fe\n    bind :5000\n    retries x\n"
                + "    default_backend nope\n");
        assertThat(e.problems()).singleElement().satisfies(p -> assertThat(p.message()).contains("'retries'"));
    }

    @Test
    void bodyOfASectionWithABrokenHeaderIsStillChecked() {
        ConfigException e = Configs.failure("listen pg/1\n    balanse first\n");
        assertThat(e.problems()).extracting(p -> p.source().line()).containsExactly(1, 2);
        assertThat(e.problems().get(0).message()).contains("invalid listen name 'pg/1'");
    }

    @Test
    void bodyOfAnUnsupportedSectionIsSkippedAfterOneError() {
        ConfigException e = Configs.failure("userlist admins\n    user admin password $6$abc\n    group ops users admin\n"
                + Configs.DEFAULTS);
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.source().line()).isEqualTo(1);
            assertThat(p.message()).isEqualTo("'userlist' is an HAProxy keyword that Pointsman does not implement"
                    + " (the whole 'userlist' section is skipped)");
        });
    }

    @Test
    void unknownWordOutsideAnySectionSuggestsASection() {
        ConfigException e = Configs.failure("listn pg\n");
        assertThat(e.getMessage()).isEqualTo("parsing [t.cfg:1] : unknown keyword 'listn' outside any section;"
                + " did you mean 'listen'?");
    }

    @Test
    void byteOrderMarkAtTheStartIsIgnored() throws ConfigException {
        assertThat(Configs.parse("\uFEFFglobal\n    maxconn 10\n").global().maxconn()).isEqualTo(10);
    }

    @Test
    void globalSectionsAddUp() throws ConfigException {
        Config c = Configs.parse("global\n    maxconn 10\nglobal\n    nbthread 2\n");
        assertThat(c.global().maxconn()).isEqualTo(10);
        assertThat(c.global().nbthread()).isEqualTo(2);
    }

    @Test
    void emptyConfigurationGivesGlobalDefaultsAndNoProxy() throws ConfigException {
        Config c = Configs.parse("# nothing\n\n");
        assertThat(c.proxies()).isEmpty();
        assertThat(c.global()).isEqualTo(dev.pointsman.config.Global.defaults());
    }

    @Test
    void resultIsImmutable() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "listen pg\n    bind :5000\n    server pg-1 pg-1:5432\n");
        assertThatThrownBy(() -> c.proxies().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.proxy("pg").orElseThrow().servers().clear()).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> c.proxy("pg").orElseThrow().binds().clear()).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void systemParserReadsLiteralAddressesWithoutDns() throws Exception {
        Path p = write("ip.cfg", Configs.DEFAULTS + "listen pg\n    bind 127.0.0.1:5000\n    server a 127.0.0.1:5432 check\n");
        Config c = ConfigParser.system().parse(List.of(p));
        assertThat(c.proxy("pg").orElseThrow().servers().get(0).address().getAddress().isLoopbackAddress()).isTrue();
    }
}
