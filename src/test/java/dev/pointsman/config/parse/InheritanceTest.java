package dev.pointsman.config.parse;

import dev.pointsman.config.Balance;
import dev.pointsman.config.Config;
import dev.pointsman.config.Proxy;
import dev.pointsman.config.ServerConfig;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** defaults and default-server are templates copied before a section's own keywords apply. */
class InheritanceTest {
    @Test
    void proxyKeywordOverridesItsDefaults() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "    retries 2\n    balance leastconn\n"
                + "listen a\n    bind :5000\n    retries 5\n    server pg-1 pg-1:5432\n"
                + "listen b\n    bind :5001\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("a").orElseThrow().retries()).isEqualTo(5);
        assertThat(c.proxy("b").orElseThrow().retries()).isEqualTo(2);
        assertThat(c.proxy("a").orElseThrow().balance().algorithm()).isEqualTo(Balance.Algorithm.LEASTCONN);
    }

    @Test
    void laterDefaultsSectionReplacesTheEarlierForFollowingProxies() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "    retries 2\nlisten a\n    bind :5000\n    server pg-1 pg-1:5432\n"
                + "defaults\n    timeout client 1m\n    timeout connect 1s\n    timeout server 1m\n"
                + "listen b\n    bind :5001\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("a").orElseThrow().retries()).isEqualTo(2);
        assertThat(c.proxy("b").orElseThrow().retries()).isEqualTo(Proxy.DEFAULT_RETRIES);
        assertThat(c.proxy("b").orElseThrow().timeouts().client()).contains(Duration.ofMinutes(1));
    }

    @Test
    void logTagOfDefaultsIsInheritedUnlessTheProxySetsItsOwn() throws ConfigException {
        // Given log-tag in defaults, and in one of two proxies
        Config c = Configs.parse("global\n    log-tag pg-cluster\n" + Configs.DEFAULTS + "    log-tag pg-east\n"
                + "listen a\n    bind :5000\n    log-tag pg-west\n    server pg-1 pg-1:5432\n"
                + "listen b\n    bind :5001\n    server pg-1 pg-1:5432\n");
        // Then the proxy's own wins, the other inherits; the global one stays global (applied when logging)
        assertThat(c.proxy("a").orElseThrow().logTag()).contains("pg-west");
        assertThat(c.proxy("b").orElseThrow().logTag()).contains("pg-east");
        assertThat(c.global().logTag()).contains("pg-cluster");
    }

    @Test
    void namedDefaultsCanBeChosenWithFrom() throws ConfigException {
        Config c = Configs.parse("defaults short\n    timeout client 1s\n    timeout connect 1s\n    timeout server 1s\n"
                + "defaults long\n    timeout client 1h\n    timeout connect 1s\n    timeout server 1h\n"
                + "listen a from short\n    bind :5000\n    server pg-1 pg-1:5432\n"
                + "listen b\n    bind :5001\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("a").orElseThrow().timeouts().client()).contains(Duration.ofSeconds(1));
        assertThat(c.proxy("b").orElseThrow().timeouts().client()).contains(Duration.ofHours(1));
    }

    @Test
    void defaultsCanInheritFromNamedDefaults() throws ConfigException {
        Config c = Configs.parse("defaults base\n    retries 7\n" + Configs.DEFAULTS.replace("defaults", "defaults tcp from base")
                + "listen a\n    bind :5000\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("a").orElseThrow().retries()).isEqualTo(7);
    }

    @Test
    void unknownFromIsAnError() {
        ConfigException e = Configs.failure("defaults base\nlisten a from bsae\n    bind :5000\n");
        assertThat(e.getMessage()).contains("[t.cfg:2]").contains("no defaults section named 'bsae' before this line; did you mean 'base'?");
    }

    @Test
    void defaultServerOfDefaultsThenOfTheProxyThenTheServerLine() throws ConfigException {
        // Given default-server in defaults, in the proxy, and options on the server line
        Config c = Configs.parse(Configs.DEFAULTS + "    default-server inter 3s fall 3 rise 2 maxconn 50\n"
                + "listen a\n    bind :5000\n    default-server rise 4 check\n"
                + "    server pg-1 pg-1:5432 maxconn 100\n    server pg-2 pg-2:5432 no-check\n");
        // Then each later level overrides the earlier one, option by option
        ServerConfig s1 = c.proxy("a").orElseThrow().servers().get(0);
        ServerConfig s2 = c.proxy("a").orElseThrow().servers().get(1);
        assertThat(s1.inter()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s1.fall()).isEqualTo(3);
        assertThat(s1.rise()).isEqualTo(4);
        assertThat(s1.check()).isTrue();
        assertThat(s1.maxconn()).isEqualTo(100);
        assertThat(s2.maxconn()).isEqualTo(50);
        assertThat(s2.check()).isFalse();
    }

    @Test
    void defaultServerAppliesOnlyToLaterServers() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "listen a\n    bind :5000\n    server pg-1 pg-1:5432\n"
                + "    default-server weight 10\n    server pg-2 pg-2:5432\n");
        assertThat(c.proxy("a").orElseThrow().servers()).extracting(ServerConfig::weight).containsExactly(1, 10);
    }

    @Test
    void defaultServerOfOneProxyDoesNotLeakIntoTheNext() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "listen a\n    bind :5000\n    default-server weight 10\n"
                + "    server pg-1 pg-1:5432\nlisten b\n    bind :5001\n    server pg-1 pg-1:5432\n");
        assertThat(c.proxy("b").orElseThrow().servers().get(0).weight()).isEqualTo(1);
    }

    @Test
    void defaultsHttpchkIsInheritedAndOverriddenByTheProxy() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "    option httpchk OPTIONS /primary\n"
                + "listen a\n    bind :5000\n    server pg-1 pg-1:5432 check\n"
                + "listen b\n    bind :5001\n    option httpchk OPTIONS /replica\n    server pg-1 pg-1:5432 check\n");
        assertThat(c.proxy("a").orElseThrow().check().http().uri()).isEqualTo("/primary");
        assertThat(c.proxy("b").orElseThrow().check().http().uri()).isEqualTo("/replica");
        assertThat(c.notices()).isEmpty();
    }

    @Test
    void defaultsModeHttpOnlyHurtsProxiesWithServers() {
        ConfigException e = Configs.failure("defaults\n    mode http\n    timeout client 1s\n    timeout connect 1s\n"
                + "    timeout server 1s\nlisten stats\n    bind :7000\n    stats enable\n"
                + "listen pg\n    bind :5000\n    server pg-1 pg-1:5432\n");
        assertThat(e.problems()).singleElement().satisfies(p -> {
            assertThat(p.source().line()).isEqualTo(2);
            assertThat(p.message()).contains("listen 'pg'").contains("Pointsman proxies TCP only");
        });
    }

    @Test
    void defaultsLogGlobalIsExpandedWithTheGlobalTargetsEvenWhenGlobalComesLater() throws ConfigException {
        Config c = Configs.parse(Configs.DEFAULTS + "    log global\nlisten a\n    bind :5000\n    server pg-1 pg-1:5432\n"
                + "global\n    log /dev/log local0\n");
        assertThat(c.proxy("a").orElseThrow().logs()).isEqualTo(c.global().logs()).hasSize(1);
    }
}
