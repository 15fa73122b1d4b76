package dev.pointsman.stats;

import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * The split-brain alerts stats shows for each backend, and the stats page's one action:
 * acknowledging them. The runtime implements it from the cluster views; {@link #NONE} knows no
 * alerts.
 */
public interface AlertBoard {
    AlertBoard NONE = new AlertBoard() {
        @Override
        public Optional<Alerts> of(String backend) {
            return Optional.empty();
        }

        @Override
        public CompletionStage<Integer> acknowledge(Optional<String> backend) {
            return CompletableFuture.completedFuture(0);
        }
    };

    /**
     * One backend's alerts.
     *
     * @param total          since start
     * @param unacknowledged since the last acknowledgement: the page shows the last alert while this is above 0
     * @param last           the last alert's text
     * @param lastAt         when it was raised
     */
    record Alerts(long total, int unacknowledged, Optional<String> last, Optional<Instant> lastAt) {}

    /** The alerts of {@code backend}; empty when it follows no Patroni cluster. */
    Optional<Alerts> of(String backend);

    /**
     * Marks the alerts of {@code backend} (of every backend when empty) seen; completes with how
     * many were not yet, possibly on another thread.
     */
    CompletionStage<Integer> acknowledge(Optional<String> backend);
}
