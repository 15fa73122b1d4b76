package dev.pointsman.stats;

import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.runtime.Pointsman;
import dev.pointsman.testing.EphemeralPorts;
import dev.pointsman.testing.FakePatroni;
import dev.pointsman.testing.TestServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A running Pointsman with a stats listener (auth admin:secret) and a {@code primary} listen whose
 * pg-1 answers as Patroni's primary and pg-2 as a replica (503 with a JSON body), both relaying to
 * one echo server; {@code extra} is appended to the configuration.
 */
final class StatsFixture implements AutoCloseable {
    final TestServer echo;
    final FakePatroni pg1;
    final FakePatroni pg2;
    final int statsPort;
    final int primaryPort;
    final Pointsman proxy;

    StatsFixture(String global, String statsExtra) throws Exception {
        this(global, "", statsExtra);
    }

    StatsFixture(String global, String defaults, String statsExtra) throws Exception {
        echo = TestServer.echo();
        pg1 = new FakePatroni().everyPath(200, primaryJson(5000));
        pg2 = new FakePatroni().everyPath(503, replicaJson(4000));
        String cfg = "global\n    maxconn 200\n" + global
                + "defaults\n    mode tcp\n    timeout connect 1s\n    timeout client 30s\n    timeout server 30s\n"
                + "    timeout check 1s\n" + defaults
                + "listen stats\n    mode http\n    bind 127.0.0.1:1\n    stats enable\n    stats uri /\n"
                + "    stats auth admin:secret\n    stats refresh 5s\n    stats show-node\n" + statsExtra
                + "listen primary\n    bind 127.0.0.1:2\n    option httpchk GET /primary\n"
                + "    http-check expect status 200\n"
                + "    default-server inter 100ms fall 1 rise 1\n"
                + "    server pg-1 127.0.0.1:" + echo.address().getPort() + " check port " + pg1.port() + "\n"
                + "    server pg-2 127.0.0.1:" + echo.address().getPort() + " check port " + pg2.port() + "\n";
        Config config = ConfigParser.system().parse("stats-test.cfg", cfg);
        proxy = Pointsman.start(EphemeralPorts.of(config));
        statsPort = proxy.statsAddresses("stats").get(0).getPort();
        primaryPort = proxy.frontend("primary").orElseThrow().boundAddresses().get(0).getPort();
    }

    static String primaryJson(long location) {
        return "{\"state\":\"running\",\"role\":\"primary\",\"timeline\":3,"
                + "\"xlog\":{\"location\":" + location + "},\"patroni\":{\"version\":\"4.0.4\",\"scope\":\"demo\"}}";
    }

    static String replicaJson(long replayed) {
        return "{\"state\":\"running\",\"role\":\"replica\",\"timeline\":3,\"pending_restart\":true,"
                + "\"xlog\":{\"received_location\":" + replayed + ",\"replayed_location\":" + replayed + "}}";
    }

    HttpResponse<String> get(String path, String user, String password) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + statsPort + path))
                .timeout(Duration.ofSeconds(5));
        if (user != null) {
            b.header("Authorization", "Basic " + Base64.getEncoder()
                    .encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8)));
        }
        return HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()
                .send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    String get(String path) throws Exception {
        HttpResponse<String> r = get(path, "admin", "secret");
        if (r.statusCode() != 200) {
            throw new AssertionError("GET " + path + ": " + r.statusCode() + " " + r.body());
        }
        return r.body();
    }

    @Override
    public void close() {
        proxy.close();
        pg1.close();
        pg2.close();
        try {
            echo.close();
        } catch (Exception ignored) {
            // test teardown
        }
    }
}
