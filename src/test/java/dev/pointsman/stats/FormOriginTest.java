package dev.pointsman.stats;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import org.junit.jupiter.api.Test;

class FormOriginTest {
    static HttpHeaders headers(String... nameValue) {
        HttpHeaders h = new DefaultHttpHeaders();
        for (int i = 0; i < nameValue.length; i += 2) {
            h.add(nameValue[i], nameValue[i + 1]);
        }
        return h;
    }

    @Test
    void anOriginIsTheHostWhenHostAndPortMatchWithDefaultPortsByScheme() {
        assertThat(FormOrigin.sameHost("http://127.0.0.1:8404", "127.0.0.1:8404")).isTrue();
        assertThat(FormOrigin.sameHost("http://Stats.Example", "stats.example:80")).isTrue();
        assertThat(FormOrigin.sameHost("https://stats.example/page?x", "stats.example:443")).isTrue();
        assertThat(FormOrigin.sameHost("http://[::1]:8404/", "[::1]:8404")).isTrue();
    }

    @Test
    void anOriginIsNotTheHostWhenHostPortOrShapeDiffer() {
        assertThat(FormOrigin.sameHost("http://127.0.0.1:8405", "127.0.0.1:8404")).isFalse();
        assertThat(FormOrigin.sameHost("http://evil.example", "127.0.0.1")).isFalse();
        assertThat(FormOrigin.sameHost("null", "127.0.0.1")).isFalse();
        assertThat(FormOrigin.sameHost("http://127.0.0.1", null)).isFalse();
        assertThat(FormOrigin.sameHost("http://127.0.0.1.evil.example", "127.0.0.1")).isFalse();
    }

    @Test
    void aFormWithoutBrowserHeadersIsAcceptedAndItsCharsetParameterIgnored() {
        assertThat(FormOrigin.refusal(headers("Content-Type", "Application/X-WWW-Form-Urlencoded; charset=UTF-8"), true))
                .isEmpty();
        assertThat(FormOrigin.refusal(headers(), false)).isEmpty();
        assertThat(FormOrigin.refusal(headers(), true)).hasValueSatisfying(r -> assertThat(r).contains("Content-Type"));
        assertThat(FormOrigin.refusal(headers("Sec-Fetch-Site", "none", "Content-Type", FormOrigin.FORM), true)).isEmpty();
    }
}
