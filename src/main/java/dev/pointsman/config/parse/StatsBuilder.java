package dev.pointsman.config.parse;

import dev.pointsman.config.Source;
import dev.pointsman.config.StatsConfig;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A proxy's {@code stats} keywords being read; any of them enables the page, as in HAProxy. */
final class StatsBuilder {
    boolean enabled;
    Source source;
    String uri = StatsConfig.DISABLED.uri();
    Duration refresh;
    final List<StatsConfig.Account> auth = new ArrayList<>();
    String realm = StatsConfig.DISABLED.realm();
    boolean hideVersion;
    String showNode;
    StatsConfig.Admin admin = StatsConfig.Admin.NOBODY;

    /** Marks the page enabled, remembering the first line that did it. */
    void enable(Args a) {
        if (!enabled) {
            source = a.source();
        }
        enabled = true;
    }

    StatsBuilder copy() {
        StatsBuilder c = new StatsBuilder();
        c.enabled = enabled;
        c.source = source;
        c.uri = uri;
        c.refresh = refresh;
        c.auth.addAll(auth);
        c.realm = realm;
        c.hideVersion = hideVersion;
        c.showNode = showNode;
        c.admin = admin;
        return c;
    }

    StatsConfig build() {
        return new StatsConfig(enabled, uri, Optional.ofNullable(refresh), auth, realm, hideVersion,
                Optional.ofNullable(showNode), admin);
    }
}
