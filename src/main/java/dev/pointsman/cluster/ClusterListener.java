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

    /** A split brain was detected (already logged by the source at level error); see {@link SplitBrain}. */
    default void onSplitBrain(SplitBrain alert) {}

    /**
     * Pointsman's own totals for {@code server} of the backend, read now (sessions started, bytes
     * from clients); null when the backend has no such server. Read on the source's event loop
     * when a member is first seen leading and when a split brain is detected: must not block.
     */
    default SplitBrain.Traffic traffic(String server) {
        return null;
    }
}
