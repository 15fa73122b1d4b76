package dev.pointsman.cluster;

import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster view's log lines, each said once per change of what it reports: a poll failing
 * after working, an inconsistent view, members or servers that do not match, staleness.
 */
final class ViewLog {
    private static final Logger LOG = LoggerFactory.getLogger("cluster");

    private final String backend;
    private boolean failing;
    private String problem;
    private List<String> unknownServers = List.of();
    private List<String> unlistedMembers = List.of();

    ViewLog(String backend) {
        this.backend = backend;
    }

    void polled(ClusterView view) {
        if (failing) {
            failing = false;
            LOG.info("backend '{}': Patroni /cluster answered again by {}", backend, view.source());
        }
        if (!Objects.equals(problem, view.problem())) {
            if (view.problem() != null) {
                LOG.warn("backend '{}': cluster view inconsistent, routing falls back to checks alone: {}", backend,
                        view.problem());
            } else {
                LOG.info("backend '{}': cluster view consistent again (scope '{}', leader {})", backend, view.scope(),
                        view.leader());
            }
            problem = view.problem();
        }
        if (!unknownServers.equals(view.unknownServers())) {
            unknownServers = view.unknownServers();
            if (!unknownServers.isEmpty()) {
                LOG.warn("backend '{}': servers {} are not members of Patroni cluster '{}': never routed to while the"
                        + " view is fresh", backend, unknownServers, view.scope());
            }
        }
        if (!unlistedMembers.equals(view.unlistedMembers())) {
            unlistedMembers = view.unlistedMembers();
            if (!unlistedMembers.isEmpty()) {
                LOG.warn("backend '{}': Patroni members {} of cluster '{}' match no server of the backend: not routed to",
                        backend, unlistedMembers, view.scope());
            }
        }
    }

    void pollFailed(List<String> failures) {
        if (!failing) {
            failing = true;
            LOG.warn("backend '{}': no Patroni REST API answered /cluster: {}", backend, String.join("; ", failures));
        }
    }

    void stale(ClusterView view) {
        LOG.warn("backend '{}': cluster view stale (no answer for {} ms): routing falls back to checks alone", backend,
                view.limits().staleAfterMillis());
    }

    /** The poll pace went calm (the etcd watch holds, nothing changed) or back from calm. */
    void calm(boolean calm, java.time.Duration every) {
        if (calm) {
            LOG.info("backend '{}': etcd watch established and nothing changed for {} s: cluster view polled every {}"
                    + " ms until something does", backend, PollPace.SETTLE.toSeconds(), every.toMillis());
        } else {
            LOG.info("backend '{}': cluster view polled every {} ms again", backend, every.toMillis());
        }
    }

    void historyFailed(HttpClient.Endpoint source, String reason) {
        LOG.debug("backend '{}': /history from {} unusable: {}", backend, source, reason);
    }
}
