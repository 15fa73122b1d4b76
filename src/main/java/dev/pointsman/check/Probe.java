package dev.pointsman.check;

import dev.pointsman.net.Cancellable;
import java.util.function.Consumer;

/** One kind of check against one server. Stateless between runs; each run is independent. */
interface Probe {
    /**
     * Starts one check. {@code done} is called exactly once with the outcome (on any thread),
     * unless the returned handle is cancelled first, in which case it is never called.
     */
    Cancellable start(Consumer<ProbeOutcome> done);
}
