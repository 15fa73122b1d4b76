package dev.pointsman.stats;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * What the stats page's server actions do: the runtime hands in the runtime API's own path
 * ({@code admin.ServerControl}, as {@code set server ... state} and {@code shutdown sessions server}
 * take it), so a change made from the page is made, logged and checked exactly as one made on the
 * socket. {@link #NONE} knows no backend.
 */
public interface PageActions {
    PageActions NONE = new PageActions() {
        @Override
        public boolean isBackend(String nameOrId) {
            return false;
        }

        @Override
        public CompletionStage<Boolean> apply(String backend, String server, Action action) {
            return CompletableFuture.completedFuture(false);
        }
    };

    /** The actions of HAProxy 2.6's page that Pointsman applies ({@code action=} in the form). */
    enum Action {
        READY("ready", "Set state to READY"),
        DRAIN("drain", "Set state to DRAIN"),
        MAINT("maint", "Set state to MAINT"),
        SHUTDOWN("shutdown", "Kill Sessions");

        final String word;
        final String label;

        Action(String word, String label) {
            this.word = word;
            this.label = label;
        }
    }

    /** Whether {@code nameOrId} (a name, or {@code #} and the proxy's number) is a backend section. */
    boolean isBackend(String nameOrId);

    /**
     * Applies {@code action} to one server of {@code backend}, the server found by name only (as
     * HAProxy's page finds it: no {@code #<id>}); completes, once the change is in
     * force, with true when HAProxy's page counts the server as altered (the state is set, or the
     * sessions are cut) and false when the backend has no such server or the change was refused (the
     * proxy is stopping).
     */
    CompletionStage<Boolean> apply(String backend, String server, Action action);
}
