package dev.pointsman.config.parse;

import dev.pointsman.config.DcsWatch;
import dev.pointsman.config.Proxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.net.URI;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class DcsKeywordTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope pointsman | http://127.0.0.21:2379 | pointsman | /service | /service/pointsman/leader",
            "patroni-dcs etcd3 http://127.0.0.21:2379,http://127.0.0.22:2379,http://127.0.0.23:2379 scope batman"
                    + " | http://127.0.0.21:2379 http://127.0.0.22:2379 http://127.0.0.23:2379 | batman | /service | /service/batman/leader",
            "patroni-dcs etcd3 http://etcd-1 scope pg | http://etcd-1:2379 | pg | /service | /service/pg/leader",
            "patroni-dcs etcd3 http://etcd-1:12379/ scope pg | http://etcd-1:12379 | pg | /service | /service/pg/leader",
            "patroni-dcs etcd3 http://[::1]:2379 scope pg | http://[::1]:2379 | pg | /service | /service/pg/leader",
            "patroni-dcs etcd3 http://10.0.0.1:2379 scope pg namespace /db/ | http://10.0.0.1:2379 | pg | /db | /db/pg/leader",
            "patroni-dcs etcd3 http://10.0.0.1:2379 namespace db scope pg | http://10.0.0.1:2379 | pg | /db | /db/pg/leader"})
    void patroniDcsLineGivesTheWatch(String line, String endpoints, String scope, String namespace, String leaderKey)
            throws ConfigException {
        // Given a listen with the keyword, When parsed
        DcsWatch dcs = Configs.listen(line).dcs().orElseThrow();
        // Then the record carries kind, normalised endpoints, scope, namespace and the line it came from
        assertThat(dcs.kind()).isEqualTo(DcsWatch.Kind.ETCD3);
        assertThat(dcs.endpoints()).extracting(URI::toString).containsExactly(endpoints.split(" "));
        assertThat(dcs.scope()).isEqualTo(scope);
        assertThat(dcs.namespace()).isEqualTo(namespace);
        assertThat(dcs.leaderKey()).isEqualTo(leaderKey);
        assertThat(dcs.source()).hasToString("t.cfg:7");
    }

    @Test
    void withoutTheKeywordThereIsNoWatch() throws ConfigException {
        assertThat(Configs.listen("# nothing").dcs()).isEmpty();
    }

    @Test
    void backendsInheritTheWatchFromDefaultsUnlessTheySayNo() throws ConfigException {
        // Given defaults with a watch, a listen that keeps it and one that drops it
        var c = Configs.parse(Configs.DEFAULTS + "    patroni-dcs etcd3 http://127.0.0.21:2379 scope pointsman\n"
                + "listen primary\n    bind :5000\n    server pg-1 pg-1:5432\n"
                + "listen replicas\n    bind :5001\n    no patroni-dcs\n    server pg-1 pg-1:5432\n");
        // Then
        Proxy primary = c.proxy("primary").orElseThrow();
        assertThat(primary.dcs()).map(DcsWatch::scope).contains("pointsman");
        assertThat(primary.dcs()).map(d -> d.source().line()).contains(5);
        assertThat(c.proxy("replicas").orElseThrow().dcs()).isEmpty();
    }

    @Test
    void aBackendSectionAcceptsTheKeyword() throws ConfigException {
        var c = Configs.parse(Configs.DEFAULTS + "frontend fe\n    bind :5000\n    default_backend be\n"
                + "backend be\n    patroni-dcs etcd3 http://127.0.0.21:2379 scope pointsman\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("be").orElseThrow().dcs()).map(DcsWatch::endpoints)
                .contains(List.of(URI.create("http://127.0.0.21:2379")));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "patroni-dcs | 'patroni-dcs' expects a store kind as argument",
            "patroni-dcs consul http://127.0.0.1:8500 scope pg | 'patroni-dcs consul': consul is not implemented; only etcd3 is",
            "patroni-dcs etcd http://127.0.0.1:2379 scope pg | 'patroni-dcs etcd': etcd's v2 API is not implemented",
            "patroni-dcs zookeeper zk:2181 scope pg | zookeeper is not implemented",
            "patroni-dcs kubernetes x scope pg | kubernetes is not implemented",
            "patroni-dcs etc3 http://127.0.0.1:2379 scope pg | unknown store 'etc3'; did you mean 'etcd3'? (expected: etcd3)",
            "patroni-dcs etcd3 | 'patroni-dcs' expects <url>[,<url>...] after 'etcd3'",
            "patroni-dcs etcd3 http://127.0.0.21:2379 | 'patroni-dcs' needs 'scope <name>'",
            "patroni-dcs etcd3 http://127.0.0.21:2379 namespace /service | 'patroni-dcs' needs 'scope <name>'",
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope | 'patroni-dcs' expects <name> after 'scope'",
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope a scope b | 'scope' given twice",
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope a/b | scope 'a/b' may not contain '/'",
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope a namespace | expects <path> after 'namespace'",
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope a namespace / | bad namespace '/'",
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope a namespace /x /y | unknown option '/y'",
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope a namespace /x namespace /y | 'namespace' given twice",
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope a scop b | unknown option 'scop'; did you mean 'scope'?",
            "patroni-dcs etcd3 127.0.0.21:2379 scope a | endpoint '127.0.0.21:2379' needs a scheme",
            "patroni-dcs etcd3 etcd-1 scope a | endpoint 'etcd-1' needs a scheme",
            "patroni-dcs etcd3 https://127.0.0.21:2379 scope a | https (TLS to etcd) is not implemented",
            "patroni-dcs etcd3 unix:///run/etcd.sock scope a | scheme 'unix' is not supported",
            "patroni-dcs etcd3 http://127.0.0.21:2379/v3 scope a | may carry only a host and a port",
            "patroni-dcs etcd3 http://root:pw@127.0.0.21:2379 scope a | may carry only a host and a port",
            "patroni-dcs etcd3 http://127.0.0.21:99999 scope a | port: 99999 (expected: 1-65535)",
            "patroni-dcs etcd3 http://127.0.0.21:x scope a | endpoint 'http://127.0.0.21:x' has no valid host",
            "patroni-dcs etcd3 http://a b:2379 scope a | unknown option 'b:2379'",
            "patroni-dcs etcd3 http://bad^host:2379 scope a | bad endpoint 'http://bad^host:2379'",
            "patroni-dcs etcd3 http://127.0.0.21:2379,,http://127.0.0.22:2379 scope a | empty endpoint in the list",
            "patroni-dcs etcd3 http://127.0.0.21:2379, scope a | empty endpoint in the list",
            "patroni-dcs etcd3 http://e:2379,http://e scope a | endpoint 'http://e' is listed twice",
            "no patroni-dcs now | 'no patroni-dcs': unexpected argument 'now'",
            "patroni-dsc etcd3 http://127.0.0.21:2379 scope a | unknown keyword 'patroni-dsc' in 'listen' section;"
                    + " did you mean 'patroni-dcs'?"})
    void badPatroniDcsLineIsAnErrorAtItsLine(String line, String message) {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen pg\n    bind :5000\n    " + line
                + "\n    server pg-1 pg-1:5432\n");
        assertThat(e.getMessage()).startsWith("parsing [t.cfg:7] : ").contains(message);
        assertThat(e.problems()).hasSize(1);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "patroni-dcs etcd3 http://127.0.0.21:2379 scope a | 'patroni-dcs' is not allowed in a 'frontend' section",
            "no patroni-dcs | 'no patroni-dcs' is not allowed in a 'frontend' section"})
    void frontendHasNoServersToWatchFor(String line, String message) {
        ConfigException e = Configs.failure("frontend fe\n    " + line + "\n");
        assertThat(e.getMessage()).contains("[t.cfg:2]").contains(message);
    }
}
