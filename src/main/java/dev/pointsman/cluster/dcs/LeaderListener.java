package dev.pointsman.cluster.dcs;

import java.util.Optional;

/**
 * What {@link EtcdLeaderWatch} reports. Every call comes on the watch's event loop, one at a time
 * and in order: implementations must return quickly and never block (hand work off instead).
 */
public interface LeaderListener {

    /**
     * Patroni's leader key changed, or was read for the first time (after a start, or after a
     * reconnection when it changed meanwhile). Only changes of the member are reported: a write
     * of the same name again is not.
     *
     * @param member   the leader's Patroni member name ({@code pg-2}); empty when the key is gone
     *                 (deleted on a clean shutdown, or its lease expired after a crash)
     * @param revision the etcd revision of that change (the key's mod_revision; on a read of an
     *                 absent key, the store's revision at the read)
     */
    void onLeader(Optional<String> member, long revision);

    /**
     * The watch is down: etcd cannot be reached, or the stream broke. Called once per outage,
     * whatever the number of endpoints and retries behind it, including once at start when the
     * first attempt fails (even if the next endpoint answers a moment later). Leader changes may be missed until
     * {@link #onAvailable()}: routing goes on by REST checks (Patroni's failsafe_mode keeps a
     * primary running while its store is away).
     */
    void onUnavailable(String reason);

    /** The watch is established (again), after the key was re-read. Called once per recovery. */
    void onAvailable();
}
