package dev.pointsman.config.parse;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.HealthCheck.Expect;
import dev.pointsman.config.HealthCheck.Header;
import dev.pointsman.config.HealthCheck.RoleCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

class CheckKeywordsTest {
    private static HealthCheck check(String... lines) throws ConfigException {
        return Configs.parse(Configs.DEFAULTS + "backend b\n    " + String.join("\n    ", lines)
                + "\n    server pg-1 pg-1:5432 check\n").proxy("b").orElseThrow().check();
    }

    @ParameterizedTest(name = "option httpchk {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "`` | OPTIONS | / | HTTP/1.0",
            "/primary | OPTIONS | /primary | HTTP/1.0",
            "OPTIONS/replica | OPTIONS | OPTIONS/replica | HTTP/1.0",
            "OPTIONS /primary | OPTIONS | /primary | HTTP/1.0",
            "GET /replica | GET | /replica | HTTP/1.0",
            "GET /health HTTP/1.1 | GET | /health | HTTP/1.1"})
    void httpchkArgumentFormsAreHaproxys(String args, String method, String uri, String version) throws ConfigException {
        HealthCheck c = check("option httpchk " + args);
        assertThat(c.type()).isEqualTo(HealthCheck.Type.HTTP);
        assertThat(c.http().method()).isEqualTo(method);
        assertThat(c.http().uri()).isEqualTo(uri);
        assertThat(c.http().version()).isEqualTo(version);
        assertThat(c.http().expect()).isEmpty();
    }

    @Test
    void httpchkFourthArgumentIsTheHostHeader() throws ConfigException {
        assertThat(check("option httpchk GET /primary HTTP/1.1 pg.example").http().headers())
                .containsExactly(new Header("Host", "pg.example"));
    }

    @Test
    void httpCheckSendOverridesTheRequestLineWhateverTheOrder() throws ConfigException {
        HealthCheck c = check("http-check send meth GET uri /primary ver HTTP/1.1 hdr Host pg hdr X-A \"a b\" body ping",
                "option httpchk OPTIONS /");
        assertThat(c.http().method()).isEqualTo("GET");
        assertThat(c.http().uri()).isEqualTo("/primary");
        assertThat(c.http().version()).isEqualTo("HTTP/1.1");
        assertThat(c.http().headers()).containsExactly(new Header("Host", "pg"), new Header("X-A", "a b"));
        assertThat(c.http().body()).contains("ping");
    }

    @ParameterizedTest(name = "http-check expect {0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "status 200 | false | STATUS | 200",
            "status 200-299,302 | false | STATUS | 200-299,302",
            "! status 503 | true | STATUS | 503",
            "rstatus ^2 | false | RSTATUS | ^2",
            "string running | false | STRING | running",
            "rstring '\"role\": *\"primary\"' | false | RSTRING | \"role\": *\"primary\"",
            "rstring \\\"role\\\":\\ *\\\"primary\\\" | false | RSTRING | \"role\": *\"primary\"",
            "! rstring ^x | true | RSTRING | ^x"})
    void expectRuleIsParsed(String args, boolean negate, Expect.Kind kind, String pattern) throws ConfigException {
        assertThat(check("option httpchk", "http-check expect " + args).http().expect())
                .contains(new Expect(negate, kind, pattern));
    }

    @Test
    void pgsqlCheckTakesTheUser() throws ConfigException {
        HealthCheck c = check("option pgsql-check user haproxy");
        assertThat(c.type()).isEqualTo(HealthCheck.Type.PGSQL);
        assertThat(c.pgsqlUser()).contains("haproxy");
    }

    @Test
    void tcpCheckWithoutRulesIsAPlainConnect() throws ConfigException {
        assertThat(check("option httpchk", "option tcp-check").type()).isEqualTo(HealthCheck.Type.TCP);
    }

    @Test
    void noCheckOptionIsATcpConnectCheck() throws ConfigException {
        assertThat(check("# nothing")).isEqualTo(HealthCheck.DEFAULT);
    }

    @Test
    void pgsqlRoleCheckDefaultsToPostgresDatabaseAndPrimary() throws ConfigException {
        HealthCheck c = check("option pgsql-role-check user monitor");
        assertThat(c.type()).isEqualTo(HealthCheck.Type.PGSQL_ROLE);
        assertThat(c.roleCheck()).contains(new RoleCheck("monitor", Optional.empty(), "postgres", RoleCheck.Role.PRIMARY));
    }

    @Test
    void pgsqlRoleCheckTakesPasswordDatabaseAndExpectedRole() throws ConfigException {
        HealthCheck c = check("option pgsql-role-check user monitor password \"s3cr#t\" database app expect replica");
        assertThat(c.roleCheck()).contains(new RoleCheck("monitor", Optional.of("s3cr#t"), "app", RoleCheck.Role.REPLICA));
    }

    @Test
    void patroniRulesAreOnByDefaultAndNoOptionTurnsThemOff() throws ConfigException {
        assertThat(check("option httpchk").patroni()).isEqualTo(new HealthCheck.PatroniRules(true, true));
        assertThat(check("no option patroni-fast-demote").patroni()).isEqualTo(new HealthCheck.PatroniRules(false, true));
        assertThat(check("no option patroni-verify-primary").patroni()).isEqualTo(new HealthCheck.PatroniRules(true, false));
        assertThat(check("no option patroni-fast-demote", "option patroni-fast-demote").patroni().fastDemote()).isTrue();
    }

    @Test
    void httpCheckRulesOfAProxyReplaceTheDefaultsRulesAsAWhole() throws ConfigException {
        HealthCheck c = Configs.parse(Configs.DEFAULTS + "    option httpchk\n    http-check send hdr X-From defaults\n"
                + "    http-check expect status 200\nbackend b\n    http-check expect status 200-299\n"
                + "    server pg-1 pg-1:5432 check\n").proxy("b").orElseThrow().check();
        assertThat(c.http().headers()).isEmpty();
        assertThat(c.http().expect()).contains(new Expect(false, Expect.Kind.STATUS, "200-299"));
    }

    @Test
    void httpCheckRulesAreInheritedWhenTheProxyHasNone() throws ConfigException {
        HealthCheck c = Configs.parse(Configs.DEFAULTS + "    option httpchk GET /primary\n    http-check expect status 200\n"
                + "backend b\n    server pg-1 pg-1:5432 check\n").proxy("b").orElseThrow().check();
        assertThat(c.http().uri()).isEqualTo("/primary");
        assertThat(c.http().expect()).isPresent();
    }

    @Test
    void checkOptionWithNoCheckedServerAddsANotice() throws ConfigException {
        var notices = Configs.parse(Configs.DEFAULTS + "backend b\n    option httpchk\n    server pg-1 pg-1:5432\n").notices();
        assertThat(notices).singleElement().satisfies(n -> {
            assertThat(n.source().line()).isEqualTo(6);
            assertThat(n.message()).contains("no server has 'check'");
        });
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "option httpchk GET / HTTP/1.1\\r\\nHost:\\ x | headers hidden in the version",
            "option httpchk 'GET' '/' 'HTTP/1.1\\r\\nHost: x' | headers hidden in the version",
            "option httpchk a b c d e | expects at most <method> <uri> <version> <host>",
            "http-check send ver HTTP/1.1\\r\\nX:\\ y | headers hidden in the version",
            "http-check send meth | 'http-check send' expects <method> after 'meth'",
            "http-check send method GET | unknown option 'method'; did you mean 'meth'?",
            "http-check send uri-lf /%[var(x)] | 'http-check send uri-lf' is an HAProxy keyword that Pointsman does not implement",
            "http-check expect status | expects a pattern after 'status'",
            "http-check expect status 20x | bad status '20x' (expected: a comma list of codes 100-599 and ranges",
            "http-check expect status 200,,302 | bad status ''",
            "http-check expect status 299-200 | bad status '299-200'",
            "http-check expect status 700 | bad status '700'",
            "http-check expect rstring ([ | invalid regex '(['",
            "http-check expect stauts 200 | unknown match 'stauts'; did you mean 'status'?",
            "http-check expect hdr name x | 'http-check expect hdr' is an HAProxy keyword that Pointsman does not implement",
            "http-check expect min-recv 10 string x | 'http-check expect min-recv' is an HAProxy keyword",
            "http-check disable-on-404 | 'http-check disable-on-404' is an HAProxy keyword that Pointsman does not implement",
            "http-check exepct status 200 | unknown http-check keyword 'exepct' in 'backend' section; did you mean 'expect'?",
            "option pgsql-check | 'option pgsql-check' expects 'user <username>'",
            "option pgsql-check haproxy | 'option pgsql-check' expects 'user <username>'",
            "option pgsql-role-check | 'option pgsql-role-check' expects 'user <name>'",
            "option pgsql-role-check user m expect leader | expect: 'leader' (expected: primary or replica)",
            "option pgsql-role-check user m db app | unknown argument 'db'",
            "option mysql-check user x | 'option mysql-check' is an HAProxy keyword that Pointsman does not implement",
            "option ssl-hello-chk | 'option ssl-hello-chk' is an HAProxy keyword that Pointsman does not implement",
            "tcp-check connect port 8008 | 'tcp-check' is an HAProxy keyword that Pointsman does not implement",
            "option patroni-fast-demote yes | unexpected argument 'yes'"})
    void badCheckLineIsAnErrorAtItsLine(String line, String message) {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "backend b\n    option httpchk\n    " + line
                + "\n    server pg-1 pg-1:5432 check\n");
        assertThat(e.getMessage()).startsWith("parsing [t.cfg:7] : ").contains(message);
    }

    @Test
    void secondExpectInOneSectionIsAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "backend b\n    option httpchk\n"
                + "    http-check expect status 200\n    http-check expect string ok\n    server pg-1 pg-1:5432 check\n");
        assertThat(e.getMessage()).contains("[t.cfg:8]").contains("only one 'http-check expect' per section");
    }

    @Test
    void httpCheckRulesWithoutHttpchkAreAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "backend b\n    http-check expect status 200\n"
                + "    server pg-1 pg-1:5432 check\n");
        assertThat(e.getMessage()).isEqualTo("parsing [t.cfg:6] : 'http-check' rules in backend 'b' need"
                + " 'option httpchk' (HAProxy would ignore them; Pointsman refuses)");
    }

    @Test
    void checkKeywordsParseBackslashEscapedHeaderValues() throws ConfigException {
        assertThat(check("option httpchk", "http-check send hdr User-Agent pointsman\\ check").http().headers())
                .isEqualTo(List.of(new Header("User-Agent", "pointsman check")));
    }
}
