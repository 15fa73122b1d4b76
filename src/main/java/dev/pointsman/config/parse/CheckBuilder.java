package dev.pointsman.config.parse;

import dev.pointsman.config.HealthCheck;
import dev.pointsman.config.HealthCheck.Expect;
import dev.pointsman.config.HealthCheck.Header;
import dev.pointsman.config.HealthCheck.HttpCheck;
import dev.pointsman.config.HealthCheck.RoleCheck;
import dev.pointsman.config.Source;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A proxy's health-check settings being read. {@code option httpchk} gives the request line;
 * {@code http-check send} values take precedence over it whatever the order, as in HAProxy. The
 * {@code http-check} rules of a section replace the inherited ones as a whole (HAProxy inherits
 * the defaults' rules only when the proxy has none).
 */
final class CheckBuilder {
    HealthCheck.Type type = HealthCheck.Type.TCP;
    /** The line that chose the type; null for the built-in TCP connect. */
    Source typeSource;
    /** True when {@link #typeSource} is in the section being read, not inherited. */
    boolean typeHere;

    String method = HttpCheck.DEFAULT.method();
    String uri = HttpCheck.DEFAULT.uri();
    String version = HttpCheck.DEFAULT.version();
    final List<Header> extraHeaders = new ArrayList<>();

    String sendMethod;
    String sendUri;
    String sendVersion;
    final List<Header> headers = new ArrayList<>();
    String body;
    Expect expect;
    /** The first {@code http-check} line of the rules in force. */
    Source rulesSource;
    boolean rulesHere;
    boolean sendHere;
    boolean expectHere;

    String pgsqlUser;
    RoleCheck role;
    boolean fastDemote = HealthCheck.PatroniRules.DEFAULT.fastDemote();
    boolean verifyPrimary = HealthCheck.PatroniRules.DEFAULT.verifyPrimary();

    /** Starts the section's own {@code http-check} rules, dropping inherited ones. */
    void startRules(Args a) {
        if (!rulesHere) {
            sendMethod = null;
            sendUri = null;
            sendVersion = null;
            headers.clear();
            body = null;
            expect = null;
            rulesSource = a.source();
            rulesHere = true;
        }
    }

    /** A copy for a section that inherits this one: nothing of it was written "here". */
    CheckBuilder copy() {
        CheckBuilder c = new CheckBuilder();
        c.type = type;
        c.typeSource = typeSource;
        c.method = method;
        c.uri = uri;
        c.version = version;
        c.extraHeaders.addAll(extraHeaders);
        c.sendMethod = sendMethod;
        c.sendUri = sendUri;
        c.sendVersion = sendVersion;
        c.headers.addAll(headers);
        c.body = body;
        c.expect = expect;
        c.rulesSource = rulesSource;
        c.pgsqlUser = pgsqlUser;
        c.role = role;
        c.fastDemote = fastDemote;
        c.verifyPrimary = verifyPrimary;
        return c;
    }

    HealthCheck build() {
        List<Header> all = new ArrayList<>(extraHeaders);
        all.addAll(headers);
        HttpCheck http = new HttpCheck(sendMethod != null ? sendMethod : method, sendUri != null ? sendUri : uri,
                sendVersion != null ? sendVersion : version, all, Optional.ofNullable(body),
                Optional.ofNullable(expect));
        return new HealthCheck(type, http, Optional.ofNullable(pgsqlUser), Optional.ofNullable(role),
                new HealthCheck.PatroniRules(fastDemote, verifyPrimary));
    }
}
