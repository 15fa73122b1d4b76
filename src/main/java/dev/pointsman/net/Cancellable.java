package dev.pointsman.net;

/** Something that can be stopped: an exchange or a probe in flight, a scheduled task. */
@FunctionalInterface
public interface Cancellable {
    Cancellable NONE = () -> {};

    void cancel();
}
