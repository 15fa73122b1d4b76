package dev.pointsman.runtime;

/** Connects health checks to backend state. */
final class HealthWiring implements AutoCloseable {
    private HealthWiring() {}

    static HealthWiring start(Pointsman p) {
        return new HealthWiring();
    }

    @Override
    public void close() {}
}
