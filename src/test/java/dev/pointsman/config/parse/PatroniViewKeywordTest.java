package dev.pointsman.config.parse;

import dev.pointsman.config.PatroniView;
import dev.pointsman.config.Proxy;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

class PatroniViewKeywordTest {

    @Test
    void unsetPatroniViewIsAuto() throws ConfigException {
        assertThat(Configs.listen("# nothing").patroniView()).isEqualTo(PatroniView.AUTO);
    }

    @Test
    void patroniViewOffTurnsTheViewOff() throws ConfigException {
        assertThat(Configs.listen("patroni-view off").patroniView().mode()).isEqualTo(PatroniView.Mode.OFF);
    }

    @Test
    void patroniViewAutoWithEveryOption() throws ConfigException {
        // Given auto with interval, both kinds of max-lag and a grace
        PatroniView v = Configs.listen("patroni-view auto interval 500ms max-lag 16MB max-lag 10s lag-grace 3s")
                .patroniView();
        // Then each lands in its field
        assertThat(v.mode()).isEqualTo(PatroniView.Mode.AUTO);
        assertThat(v.interval()).contains(Duration.ofMillis(500));
        assertThat(v.maxLagBytes()).isEqualTo(OptionalLong.of(16L << 20));
        assertThat(v.maxLagTime()).contains(Duration.ofSeconds(10));
        assertThat(v.lagGrace()).isEqualTo(Duration.ofSeconds(3));
        assertThat(v.calmInterval()).isEqualTo(PatroniView.CALM_INTERVAL);
    }

    @Test
    void patroniViewCalmIntervalSetsThePaceWhileTheEtcdWatchHolds() throws ConfigException {
        assertThat(Configs.listen("patroni-view auto calm-interval 10s").patroniView().calmInterval())
                .isEqualTo(Duration.ofSeconds(10));
        assertThat(Configs.listen("patroni-view auto calm-interval 0").patroniView().calmInterval())
                .isEqualTo(Duration.ZERO);
    }

    @Test
    void patroniViewUrlTakesACommaListOfBaseUrls() throws ConfigException {
        PatroniView v = Configs.listen("patroni-view url http://127.0.0.11:8008,http://pg-2:8008/").patroniView();
        assertThat(v.mode()).isEqualTo(PatroniView.Mode.URLS);
        assertThat(v.urls()).containsExactly(URI.create("http://127.0.0.11:8008"), URI.create("http://pg-2:8008"));
        assertThat(v.interval()).isEmpty();
        assertThat(v.lagGrace()).isEqualTo(PatroniView.AUTO.lagGrace());
    }

    @ParameterizedTest(name = "max-lag {0}")
    @CsvSource({"1048576, 1048576", "100B, 100", "16kB, 16384", "16kb, 16384", "10MB, 10485760", "1GB, 1073741824",
            "2TB, 2199023255552"})
    void maxLagSizesAreBytesWithPatroniUnits(String text, long bytes) throws ConfigException {
        assertThat(Configs.listen("patroni-view auto max-lag " + text).patroniView().maxLagBytes())
                .isEqualTo(OptionalLong.of(bytes));
    }

    @Test
    void patroniViewInDefaultsIsInheritedAndALineReplacesIt() throws ConfigException {
        // Given defaults with a max-lag, one listen inheriting it and one turning the view off
        var c = Configs.parse(Configs.DEFAULTS + "    patroni-view auto max-lag 1MB\n"
                + "listen a\n    bind :5000\n    server pg-1 pg-1:5432\n"
                + "listen b\n    bind :5001\n    patroni-view off\n    server pg-1 pg-1:5432\n");
        // Then a inherits, b's own line replaces the whole setting
        assertThat(c.proxy("a").map(Proxy::patroniView).map(PatroniView::maxLagBytes))
                .contains(OptionalLong.of(1L << 20));
        assertThat(c.proxy("b").map(Proxy::patroniView))
                .contains(new PatroniView(PatroniView.Mode.OFF, List.of(), Optional.empty(), OptionalLong.empty(),
                        Optional.empty(), PatroniView.AUTO.lagGrace(), PatroniView.CALM_INTERVAL));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
            "patroni-view | 'patroni-view' expects off, auto or url",
            "patroni-view atuo | unknown mode 'atuo'",
            "patroni-view off interval 1s | 'patroni-view': unexpected argument 'interval'",
            "patroni-view url | expects <http://host:port>[,...] after 'url'",
            "patroni-view url https://pg-1:8008 | is not an http:// URL",
            "patroni-view url http://pg-1 | needs a host and a port",
            "patroni-view url http://pg-1:8008/cluster | has a path",
            "patroni-view auto intervall 1s | unknown option 'intervall'",
            "patroni-view auto interval 0 | 'patroni-view interval' expects a time > 0",
            "patroni-view auto max-lag 10XB | '10XB' is not a size",
            "patroni-view auto max-lag 10q | unknown time unit 'q'",
            "patroni-view auto max-lag 1MB max-lag 2MB | max-lag given twice as a size",
            "patroni-view auto lag-grace | 'patroni-view lag-grace' expects <time>"})
    void badPatroniViewFailsAtItsLineWithTheReason(String line, String message) {
        // Given a listen whose 7th line is the bad keyword
        ConfigException e = Configs.failure(Configs.DEFAULTS + "listen pg\n    bind :5000\n    " + line
                + "\n    server pg-1 pg-1:5432\n");
        // Then the error names file:line and the reason
        assertThat(e.getMessage()).contains("[t.cfg:7]").contains(message);
    }

    @Test
    void patroniViewIsNotAllowedInAFrontend() {
        ConfigException e = Configs.failure(Configs.DEFAULTS + "frontend f\n    bind :5000\n    patroni-view off\n"
                + "    default_backend b\nbackend b\n    server pg-1 pg-1:5432\n");
        assertThat(e.getMessage()).contains("[t.cfg:7]").contains("'patroni-view' is not allowed in a 'frontend' section");
    }
}
