package dev.pointsman.cli;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.pointsman.cluster.ClusterTable;
import dev.pointsman.cluster.ClusterView;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * {@code pointsman cluster}: prints each Patroni cluster as a running Pointsman sees it, like
 * {@code patronictl list}, read from that Pointsman's stats endpoint ({@code <uri>;json}).
 */
@Command(name = "cluster", description = "Print the Patroni cluster(s) as a running Pointsman sees them (like patronictl list).")
final class ClusterCommand implements Callable<Integer> {
    @ParentCommand
    Cli parent;

    @Option(names = {"-u", "--url"}, paramLabel = "URL", defaultValue = "http://127.0.0.1:7000/",
            description = "the stats page of the running Pointsman (default: ${DEFAULT-VALUE})")
    String url;

    @Option(names = {"-a", "--auth"}, paramLabel = "USER:PASS", description = "stats auth account, if the page has one")
    String auth;

    @Override
    public Integer call() {
        String target = url.contains(";") ? url : url + ";json";
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(target)).timeout(Duration.ofSeconds(5));
        if (auth != null) {
            request.header("Authorization",
                    "Basic " + Base64.getEncoder().encodeToString(auth.getBytes(StandardCharsets.UTF_8)));
        }
        HttpResponse<String> response;
        try {
            response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            parent.err().println("pointsman cluster: cannot read " + target + ": " + e.getMessage());
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
        if (response.statusCode() != 200) {
            parent.err().println("pointsman cluster: " + target + " answered " + response.statusCode());
            return 1;
        }
        try {
            ObjectMapper json = new ObjectMapper().configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
            JsonNode clusters = json.readTree(response.body()).path("clusters");
            if (!clusters.fields().hasNext()) {
                parent.out().println("No Patroni cluster known to this Pointsman (no backend checks a Patroni REST API).");
                return 0;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = clusters.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                ClusterView view = json.treeToValue(e.getValue(), ClusterView.class);
                parent.out().println("backend " + e.getKey() + ":");
                parent.out().print(ClusterTable.format(view));
                parent.out().println();
            }
            return 0;
        } catch (IOException e) {
            parent.err().println("pointsman cluster: unexpected answer from " + target + ": " + e.getMessage());
            return 1;
        }
    }
}
