package dev.pointsman.cluster;

import dev.pointsman.check.PatroniStatus;
import dev.pointsman.config.ServerConfig;
import dev.pointsman.net.Cancellable;
import dev.pointsman.net.Scheduler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Is the backend Patroni-backed? Asks each checked server's check port once for
 * {@code GET /patroni} (one request per node, all at once). The first answer that is JSON with
 * {@code patroni.scope} decides yes; a later one for another scope is a problem for the view.
 * When every reachable node answered something else, the answer is no. When no node could be
 * reached at all, the round is tried again after {@link #RETRY}.
 *
 * <p>Runs on the scheduler's thread.
 */
final class Discovery {
    private static final Logger LOG = LoggerFactory.getLogger("cluster");
    static final Duration RETRY = Duration.ofSeconds(10);

    /** What discovery tells its owner. */
    interface Outcome {
        /** The first Patroni answer. */
        void found(String scope, String server);

        /** A server answering for another scope after {@link #found}. */
        void foreign(String server, String scope);

        /** Every reachable node answered, none is Patroni. */
        void notPatroni(String why);
    }

    private final String backend;
    private final Scheduler scheduler;
    private final HttpClient client;
    private final List<ServerConfig> servers;
    private final Outcome outcome;
    private final List<Cancellable> inFlight = new ArrayList<>();
    private Cancellable retry = Cancellable.NONE;
    private boolean closed;
    private String scope;
    private int pending;
    private final List<String> notPatroni = new ArrayList<>();
    private final List<String> unreachable = new ArrayList<>();

    Discovery(String backend, Scheduler scheduler, HttpClient client, List<ServerConfig> servers, Outcome outcome) {
        this.backend = backend;
        this.scheduler = scheduler;
        this.client = client;
        this.servers = List.copyOf(servers);
        this.outcome = outcome;
    }

    /** The REST API endpoint of a server: where its checks go. */
    static HttpClient.Endpoint endpoint(ServerConfig s) {
        InetSocketAddress a = s.checkAddress();
        return new HttpClient.Endpoint(a.isUnresolved() ? a.getHostString() : a.getAddress().getHostAddress(),
                a.getPort());
    }

    void start() {
        scheduler.execute(this::round);
    }

    void close() {
        scheduler.execute(() -> {
            closed = true;
            retry.cancel();
            inFlight.forEach(Cancellable::cancel);
        });
    }

    private void round() {
        if (closed) {
            return;
        }
        inFlight.clear();
        notPatroni.clear();
        unreachable.clear();
        pending = servers.size();
        for (ServerConfig s : servers) {
            HttpClient.Endpoint ep = endpoint(s);
            inFlight.add(client.get(ep, "/patroni", r -> scheduler.execute(() -> answered(s, ep, r))));
        }
    }

    private void answered(ServerConfig s, HttpClient.Endpoint ep, HttpClient.Result r) {
        if (closed) {
            return;
        }
        pending--;
        if (r instanceof HttpClient.Answer a) {
            String found = PatroniStatus.parse(a.body()).flatMap(PatroniStatus::patroni)
                    .flatMap(PatroniStatus.Identity::scope).orElse(null);
            if (found == null) {
                notPatroni.add(s.name() + " (" + ep + "): status " + a.status() + ", no Patroni JSON");
            } else if (scope == null) {
                scope = found;
                LOG.info("backend '{}': Patroni cluster '{}' found behind {} ({}): keeping a cluster view", backend,
                        found, ep, s.name());
                outcome.found(found, s.name());
            } else if (!scope.equals(found)) {
                outcome.foreign(s.name(), found);
            }
        } else {
            unreachable.add(s.name() + " (" + ep + "): " + ((HttpClient.Failure) r).reason());
        }
        if (pending > 0 || scope != null) {
            return;
        }
        if (!notPatroni.isEmpty()) {
            LOG.info("backend '{}': no Patroni behind the check ports ({}): no cluster view", backend,
                    String.join("; ", notPatroni));
            outcome.notPatroni(String.join("; ", notPatroni));
        } else {
            LOG.info("backend '{}': no check port answered GET /patroni ({}); trying again in {} s", backend,
                    String.join("; ", unreachable), RETRY.toSeconds());
            retry = scheduler.schedule(this::round, RETRY);
        }
    }
}
