package dev.pointsman.testing;

import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;

/** The local Patroni cluster of scripts/cluster, for *IT tests outside the e2e package. */
public final class RealCluster {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private RealCluster() {}

    /** Skips the test loudly when no cluster is reachable; fails instead when env CI is set. */
    public static void assumeReachable() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.11", 8008), 1000);
        } catch (IOException e) {
            String msg = "*** SKIPPED: no Patroni cluster reachable at 127.0.0.11:8008 — run scripts/cluster up ***";
            System.err.println(msg);
            if (System.getenv("CI") != null) {
                fail("CI: " + msg);
            }
            Assumptions.abort(msg);
        }
    }

    /** The leader's member name (pg-N) as Patroni's /cluster says, if any. */
    public static Optional<String> leader() {
        for (String host : new String[] {"127.0.0.11", "127.0.0.12", "127.0.0.13"}) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":8008/cluster"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                JsonNode members = new ObjectMapper().readTree(r.body()).path("members");
                for (JsonNode m : members) {
                    if ("leader".equals(m.path("role").asText()) && "running".equals(m.path("state").asText())) {
                        return Optional.of(m.path("name").asText());
                    }
                }
                return Optional.empty();
            } catch (IOException e) {
                // try the next member
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Each member's timeline as every reachable member's /cluster says it (Patroni's DCS, as each
     * Patroni last read it), by "asked-member: member -> timeline"; members without one are left out.
     */
    public static Map<String, Map<String, Long>> timelines() {
        Map<String, Map<String, Long>> out = new TreeMap<>();
        for (String host : new String[] {"127.0.0.11", "127.0.0.12", "127.0.0.13"}) {
            try {
                HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create("http://" + host + ":8008/cluster"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
                Map<String, Long> seen = new TreeMap<>();
                for (JsonNode m : new ObjectMapper().readTree(r.body()).path("members")) {
                    if (m.has("timeline")) {
                        seen.put(m.path("name").asText(), m.path("timeline").asLong());
                    }
                }
                out.put(host, seen);
            } catch (IOException e) {
                // unreachable: left out
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return out;
            }
        }
        return out;
    }
}
