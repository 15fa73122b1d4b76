package dev.pointsman.cluster.dcs;

import java.util.Optional;

/**
 * What {@link EtcdKeyWatch} reports. Every call comes on the watch's event loop, one at a time
 * and in order: implementations must return quickly and never block (hand work off instead).
 */
public interface KeyListener {

    /**
     * The key's value changed, or was read for the first time after a start or after an outage
     * ({@link #onUnavailable}: the listener should forget the value then). Otherwise only changes
     * are reported: a write of the same value again is not, nor a re-read without an outage.
     *
     * @param value    the value: for the leader key the leader's Patroni member name ({@code pg-2}),
     *                 for the failover key Patroni's JSON; empty when the key is gone (the leader
     *                 key is deleted on a clean shutdown, or its lease expired after a crash)
     * @param revision the etcd revision of that change (the key's mod_revision; on a read of an
     *                 absent key, the store's revision at the read)
     */
    void onValue(Optional<String> value, long revision);

    /**
     * The watch is down: etcd cannot be reached, or the stream broke. Called once per outage,
     * whatever the number of endpoints and retries behind it, including once at start when the
     * first attempt fails (even if the next endpoint answers a moment later). Changes may be missed until
     * {@link #onAvailable()}: routing goes on by REST checks (Patroni's failsafe_mode keeps a
     * primary running while its store is away).
     */
    void onUnavailable(String reason);

    /** The watch is established (again), after the key was re-read. Called once per recovery. */
    void onAvailable();
}
