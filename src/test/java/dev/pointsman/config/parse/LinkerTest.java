package dev.pointsman.config.parse;

import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import org.junit.jupiter.api.Test;

import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;

/** The second pass: cross-references between proxies. */
class LinkerTest {
    private static final String BACKENDS = "backend primary\n    server pg-1 pg-1:5432\n"
            + "backend replicas\n    server pg-2 pg-2:5432\n";

    @Test
    void frontendRoutesToItsDefaultBackend() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "frontend fe\n    bind :5000\n    default_backend primary\n" + BACKENDS);
        Proxy fe = c.proxy("fe").orElseThrow();
        assertThat(fe.defaultBackend()).contains("primary");
        assertThat(fe.isFrontend()).isTrue();
        assertThat(fe.isBackend()).isFalse();
        assertThat(c.proxy("primary").orElseThrow().defaultBackend()).isEmpty();
        assertThat(c.proxy("primary").orElseThrow().capabilities()).containsExactly(Proxy.Capability.BACKEND);
    }

    @Test
    void unconditionalUseBackendRoutesAndShadowsDefaultBackend() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "frontend fe\n    bind :5000\n    default_backend primary\n"
                + "    use_backend replicas\n" + BACKENDS);
        assertThat(c.proxy("fe").orElseThrow().defaultBackend()).contains("replicas");
        assertThat(c.notices()).singleElement().satisfies(n -> assertThat(n.message()).contains("is never used"));
    }

    @Test
    void secondUnconditionalUseBackendIsNeverReached() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "frontend fe\n    bind :5000\n    use_backend primary\n"
                + "    use_backend replicas\n" + BACKENDS);
        assertThat(c.proxy("fe").orElseThrow().defaultBackend()).contains("primary");
        assertThat(c.notices()).singleElement().satisfies(n -> assertThat(n.source().line()).isEqualTo(8));
    }

    @Test
    void listenWithDefaultBackendSendsThere() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "listen fe\n    bind :5000\n    default_backend primary\n" + BACKENDS);
        assertThat(c.proxy("fe").orElseThrow().defaultBackend()).isEqualTo(Optional.of("primary"));
    }

    @Test
    void defaultBackendToAMissingBackendSuggestsTheNearest() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "frontend fe\n    bind :5000\n    default_backend primari\n"
                + BACKENDS);
        assertThat(e.getMessage()).isEqualTo("parsing [t.cfg:7] : 'default_backend': no backend named 'primari';"
                + " did you mean 'primary'? (known backends: primary, replicas)");
    }

    @Test
    void useBackendToAFrontendIsAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "frontend fe\n    bind :5000\n    use_backend other\n"
                + "frontend other\n    bind :5001\n    default_backend primary\n" + BACKENDS);
        assertThat(e.getMessage()).contains("[t.cfg:7]").contains("'other' is a frontend, not a backend");
    }

    @Test
    void frontendWithoutBackendIsAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "frontend fe\n    bind :5000\n" + BACKENDS);
        assertThat(e.getMessage()).contains("[t.cfg:5]")
                .contains("frontend 'fe' has no 'default_backend' or 'use_backend': Pointsman has no other way to route");
    }

    @Test
    void listenWithoutServersOrBackendIsAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen fe\n    bind :5000\n");
        assertThat(e.getMessage()).contains("[t.cfg:5]").contains("no 'default_backend' or 'use_backend' and no server");
    }

    @Test
    void frontendWithoutBindIsAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "frontend fe\n    default_backend primary\n" + BACKENDS);
        assertThat(e.getMessage()).contains("[t.cfg:5]").contains("frontend 'fe' has no 'bind'");
    }

    @Test
    void listenWithoutBindIsANotice() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "listen pg\n    server pg-1 pg-1:5432\n");
        assertThat(c.notices()).singleElement().satisfies(n -> assertThat(n.message()).contains("has no 'bind'"));
    }

    @Test
    void missingTimeoutsAreANotice() throws ConfigException {
        Config c = Configs.parse("listen pg\n    bind :5000\n    server pg-1 pg-1:5432\n");
        assertThat(c.notices()).singleElement().satisfies(n -> {
            assertThat(n.source().line()).isEqualTo(1);
            assertThat(n.message()).contains("missing timeouts for listen 'pg'");
        });
    }

    @Test
    void duplicateProxyNameIsAnErrorNamingTheFirst() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen pg\n    bind :5000\n    server pg-1 pg-1:5432\n"
                + "backend pg\n    server pg-2 pg-2:5432\n");
        assertThat(e.getMessage()).isEqualTo("parsing [t.cfg:8] : backend 'pg' has the same name as listen 'pg'"
                + " declared at t.cfg:5 (proxy names must be unique)");
    }

    @Test
    void twoProxiesOnTheSamePortAreAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen a\n    bind *:5000\n    server pg-1 pg-1:5432\n"
                + "listen b\n    bind 127.0.0.1:5000\n    server pg-1 pg-1:5432\n");
        assertThat(e.getMessage()).isEqualTo("parsing [t.cfg:9] : 'bind 127.0.0.1:5000' of listen 'b' conflicts with"
                + " 'bind *:5000' of listen 'a' at t.cfg:6");
    }

    @Test
    void overlappingPortRangesConflict() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen a\n    bind :6000-6010\n    server pg-1 pg-1:5432\n"
                + "listen b\n    bind :6010\n    server pg-1 pg-1:5432\n");
        assertThat(e.getMessage()).contains("[t.cfg:9]").contains("conflicts with 'bind *:6000-6010'");
    }

    @Test
    void sameportOnDifferentAddressesIsFine() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "listen a\n    bind 127.0.0.1:5000\n    server pg-1 pg-1:5432\n"
                + "listen b\n    bind 127.0.0.2:5000\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxies()).hasSize(2);
    }

    @Test
    void modeHttpOnAProxyWithServersIsAnErrorAtTheModeLine() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen pg\n    mode http\n    bind :5000\n"
                + "    server pg-1 pg-1:5432\n");
        assertThat(e.getMessage()).isEqualTo("parsing [t.cfg:6] : 'mode http' in listen 'pg': Pointsman proxies TCP only;"
                + " 'mode http' is allowed only in a proxy that serves the stats page, and this one has servers");
    }

    @Test
    void modeHttpBackendWithoutStatsIsAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "backend web\n    mode http\n");
        assertThat(e.getMessage()).contains("[t.cfg:6]").contains("Pointsman proxies TCP only");
    }

    @Test
    void statsInTcpModeIsAnError() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen stats\n    bind :7000\n    stats enable\n");
        assertThat(e.getMessage()).contains("[t.cfg:7]").contains("needs 'mode http'");
    }

    @Test
    void httpFrontendMayUseAStatsBackend() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "frontend web\n    mode http\n    bind :7000\n    default_backend st\n"
                + "backend st\n    mode http\n    stats enable\n");
        assertThat(c.proxy("web").orElseThrow().defaultBackend()).contains("st");
    }

    @Test
    void frontendAndBackendModesMustMatch() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "frontend web\n    mode http\n    bind :7000\n"
                + "    default_backend primary\n" + BACKENDS);
        assertThat(e.getMessage()).contains("[t.cfg:8]").contains("is mode http but backend 'primary' is mode tcp");
    }

    @Test
    void secondPassReportsEveryProblem() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "frontend a\n    bind :5000\n    default_backend x\n"
                + "frontend b\n    bind :5000\n    default_backend y\n");
        assertThat(e.problems()).extracting(p -> p.source().line()).containsExactly(7, 10, 9);
        assertThat(e.getMessage().lines()).hasSize(3);
    }
}
