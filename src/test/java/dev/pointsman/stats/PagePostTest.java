package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.stats.PageActions.Action;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** A page action's form read as HAProxy 2.6's stats_process_http_post reads it. */
class PagePostTest {
    static final Set<String> BACKENDS = Set.of("primary", "#3");

    static PagePost parse(String body) {
        return PagePost.parse(body, BACKENDS::contains);
    }

    @Test
    void aBrowsersFormNamesServersThenActionAndBackendAndServersApplyLastFirst() {
        PagePost p = parse("s=pg-1&s=pg-2&action=maint&b=%233");

        assertThat(p.backend()).hasValue("#3");
        assertThat(p.action()).hasValue(Action.MAINT);
        assertThat(p.servers()).containsExactly("pg-2", "pg-1");
        assertThat(p.invalid()).isFalse();
        assertThat(p.status(2)).isEqualTo(PageStatus.DONE);
        assertThat(p.status(1)).isEqualTo(PageStatus.PART);
        assertThat(p.status(0)).isEqualTo(PageStatus.ERRP);
    }

    @Test
    void theLastBackendAndActionCountAndServersAfterThemApplyToo() {
        PagePost p = parse("b=nosuch&action=explode&s=a&action=drain&b=primary&s=b");

        assertThat(p.backend()).hasValue("primary");
        assertThat(p.action()).hasValue(Action.DRAIN);
        assertThat(p.servers()).containsExactly("b", "a");
        assertThat(p.invalid()).isFalse();
    }

    @Test
    void anUnknownBackendOrActionIsErrpAndAppliesNothing() {
        assertThat(parse("s=a&action=maint&b=nosuch")).satisfies(p -> {
            assertThat(p.invalid()).isTrue();
            assertThat(p.servers()).isEmpty();
            assertThat(p.status(0)).isEqualTo(PageStatus.ERRP);
        });
        assertThat(parse("s=a&action=explode&b=primary").invalid()).isTrue();
        assertThat(parse("s=a&action=&b=primary").invalid()).as("the form's empty choice").isTrue();
        PagePost health = parse("s=a&action=hrunn&b=primary");
        assertThat(health.invalid()).isTrue();
        assertThat(health.unsupported()).hasValue("hrunn");
        assertThat(parse("s=a&action=explode&b=primary").unsupported()).isEmpty();
    }

    @Test
    void withoutBackendActionOrServersNothingChanges() {
        assertThat(parse("s=a&action=maint").status(0)).isEqualTo(PageStatus.NONE);
        assertThat(parse("s=a&b=primary").status(0)).isEqualTo(PageStatus.NONE);
        assertThat(parse("action=maint&b=primary").status(0)).isEqualTo(PageStatus.NONE);
        assertThat(parse("").status(0)).isEqualTo(PageStatus.NONE);
    }

    @Test
    void aParameterThatDoesNotDecodeEndsTheReadingThere() {
        PagePost p = parse("s=first&s=bad%zz&s=last&action=ready&b=primary");

        assertThat(p.servers()).containsExactly("last");
        assertThat(p.invalid()).isFalse();
        assertThat(parse("b=primary&action=ready&s=a%2").servers()).isEmpty();
    }

    @Test
    void aParameterLongerThanHaproxysLineIsErrpAfterWhatWasReadBeforeIt() {
        PagePost p = parse("k=" + "x".repeat(PagePost.LINESIZE - 2) + "&s=a&action=ready&b=primary");

        assertThat(p.invalid()).isTrue();
        assertThat(p.servers()).containsExactly("a");
        assertThat(parse("k=" + "x".repeat(PagePost.LINESIZE - 3) + "&s=a&action=ready&b=primary").invalid())
                .as("2047 characters fit").isFalse();
    }

    @Test
    void valuesAreFormDecoded() {
        assertThat(PagePost.decode("pg+1%2Fa%c3%a9")).isEqualTo("pg 1/aé");
        assertThat(PagePost.decode("%")).isNull();
        assertThat(PagePost.decode("%4")).isNull();
        assertThat(PagePost.decode("%g0")).isNull();
        assertThat(parse("s=pg%2D1&action=ready&b=primary").servers()).isEqualTo(List.of("pg-1"));
        assertThat(parse("s&action=ready&b=primary").servers()).as("a key without value").containsExactly("");
        assertThat(parse("s=a&action=ready&b=primary").backend()).isEqualTo(Optional.of("primary"));
    }
}
