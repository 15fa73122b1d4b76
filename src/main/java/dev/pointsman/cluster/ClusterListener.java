package dev.pointsman.cluster;

/** What a {@link ClusterSource} tells the runtime; called on the source's event loop, never blocking it. */
public interface ClusterListener {

    /**
     * After a poll that changed something a verdict depends on (roles, leader, the leader's own
     * status, staleness, consistency, lag limits); not after polls that changed nothing.
     */
    void onView(ClusterView view, ViewChange change);

    /** Discovery found Patroni behind the backend's check port, answering for {@code scope}. */
    default void onDiscovered(String scope) {}
}
