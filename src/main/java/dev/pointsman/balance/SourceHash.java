package dev.pointsman.balance;

import java.util.List;
import java.util.function.Predicate;

/**
 * {@code source}: a hash of the client address over the weighted list of servers (HAProxy's
 * map-based hashing), so a client keeps reaching the same server while the usable set does not
 * change. When that server is full the next one in the map takes the session.
 */
final class SourceHash<T extends Candidate> implements Balancer<T> {
    private final List<T> candidates;
    private final Object[] map;

    SourceHash(List<T> candidates) {
        this.candidates = candidates;
        this.map = RoundRobin.smoothOrder(candidates).toArray();
    }

    @Override
    @SuppressWarnings("unchecked")
    public T pick(int sourceHash, Predicate<? super T> available) {
        int n = map.length;
        int start = Math.floorMod(mix(sourceHash), Math.max(n, 1));
        for (int i = 0; i < n; i++) {
            T c = (T) map[(start + i) % n];
            if (available.test(c)) {
                return c;
            }
        }
        return null;
    }

    /** A full-avalanche mix so that neighbouring addresses spread over servers. */
    static int mix(int h) {
        h ^= h >>> 16;
        h *= 0x85ebca6b;
        h ^= h >>> 13;
        h *= 0xc2b2ae35;
        h ^= h >>> 16;
        return h;
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }
}
