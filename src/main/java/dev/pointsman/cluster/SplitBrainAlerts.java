package dev.pointsman.cluster;

/**
 * The split-brain alerts of one backend, for stats: how many since start, how many an operator
 * has not acknowledged yet, and the last one. Immutable.
 *
 * @param total          alerts since start
 * @param unacknowledged alerts since the last acknowledgement
 * @param last           the latest alert; null before the first
 */
public record SplitBrainAlerts(long total, int unacknowledged, SplitBrain last) {
    public static final SplitBrainAlerts NONE = new SplitBrainAlerts(0, 0, null);
}
