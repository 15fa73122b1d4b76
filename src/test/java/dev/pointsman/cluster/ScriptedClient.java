package dev.pointsman.cluster;

import dev.pointsman.net.Cancellable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * An {@link HttpClient} answering from a script by "port path" (e.g. {@code "8008 /cluster"}):
 * a body (status 200), a {@link HttpClient.Failure}, or nothing (hangs until cancelled or
 * {@link #release}d). Records every request and the most requests in flight to one node.
 */
final class ScriptedClient implements HttpClient {
    private final Map<String, Result> script = new HashMap<>();
    private final List<String> requests = new ArrayList<>();
    private final Map<String, Consumer<Result>> hanging = new HashMap<>();
    private final Map<Integer, Integer> inFlight = new HashMap<>();
    private int maxInFlightPerNode;

    ScriptedClient answer(int port, String path, String body) {
        script.put(port + " " + path, new Answer(200, body.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    ScriptedClient fail(int port, String path, String reason) {
        script.put(port + " " + path, new Failure(reason));
        return this;
    }

    ScriptedClient hang(int port, String path) {
        script.remove(port + " " + path);
        return this;
    }

    @Override
    public Cancellable get(Endpoint endpoint, String path, Consumer<Result> done) {
        String key = endpoint.port() + " " + path;
        requests.add(key);
        int port = endpoint.port();
        maxInFlightPerNode = Math.max(maxInFlightPerNode, inFlight.merge(port, 1, Integer::sum));
        Result r = script.get(key);
        if (r == null) {
            hanging.put(key, done);
            return () -> {
                if (hanging.remove(key) != null) {
                    inFlight.merge(port, -1, Integer::sum);
                }
            };
        }
        inFlight.merge(port, -1, Integer::sum);
        done.accept(r);
        return Cancellable.NONE;
    }

    /** Ends a hanging request with a timeout. */
    void release(int port, String path) {
        Consumer<Result> done = hanging.remove(port + " " + path);
        if (done != null) {
            inFlight.merge(port, -1, Integer::sum);
            done.accept(new Failure("answer timeout"));
        }
    }

    List<String> requests() {
        return requests;
    }

    long count(String key) {
        return requests.stream().filter(key::equals).count();
    }

    int maxInFlightPerNode() {
        return maxInFlightPerNode;
    }

    boolean hanging(int port, String path) {
        return hanging.containsKey(port + " " + path);
    }
}
