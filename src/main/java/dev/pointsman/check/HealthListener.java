package dev.pointsman.check;

/**
 * Receives every completed check. Implemented by the runtime, which owns the servers: on a
 * {@link CheckReport#changed() change} it updates the server's operational state, rebuilds the
 * backend's snapshot, logs {@link HealthLog#stateChange} and may hurry the siblings
 * ({@link HealthChecker#hurry(java.time.Duration)}).
 *
 * <p>Called on the checker's event loop: it must not block.
 */
@FunctionalInterface
public interface HealthListener {
    void onCheck(CheckReport report);
}
