package dev.pointsman.cluster;

import java.util.Set;

/**
 * What a poll changed since the previous view. The runtime hurries a backend's checks when
 * {@link #roleChanged()} is not empty or the leader changed: a change seen by the view
 * announces what the checks will see.
 *
 * @param roleChanged      members whose role or state changed, appeared or disappeared
 * @param leaderChanged    another member holds the leader key (or none does any more)
 * @param leaderStatusChanged the leader's own {@code /patroni} changed (e.g. promotion finished)
 * @param staleChanged     the view became stale or fresh again
 * @param problemChanged   the view became inconsistent or consistent again
 * @param lagChanged       a replica crossed {@code max-lag} or its grace expired
 */
public record ViewChange(Set<String> roleChanged, boolean leaderChanged, boolean leaderStatusChanged,
                         boolean staleChanged, boolean problemChanged, boolean lagChanged) {

    public static final ViewChange NONE = new ViewChange(Set.of(), false, false, false, false, false);

    public ViewChange {
        roleChanged = Set.copyOf(roleChanged);
    }

    /** Something that can change a routing verdict. */
    public boolean any() {
        return !roleChanged.isEmpty() || leaderChanged || leaderStatusChanged || staleChanged || problemChanged
                || lagChanged;
    }

    /** A role moved: worth hurrying checks and polls. */
    public boolean roles() {
        return !roleChanged.isEmpty() || leaderChanged || leaderStatusChanged;
    }
}
