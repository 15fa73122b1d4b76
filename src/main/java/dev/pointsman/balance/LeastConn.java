package dev.pointsman.balance;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code leastconn}: the available server with the fewest sessions relative to its weight; ties
 * go round-robin (the scan starts one further each time), as HAProxy does.
 */
final class LeastConn<T extends Candidate> implements Balancer<T> {
    private final List<T> candidates;
    private final AtomicInteger rotation = new AtomicInteger();

    LeastConn(List<T> candidates) {
        this.candidates = candidates;
    }

    @Override
    public T pick(int sourceHash, Predicate<? super T> available) {
        int n = candidates.size();
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(rotation.getAndIncrement(), n);
        T best = null;
        for (int i = 0; i < n; i++) {
            T c = candidates.get((start + i) % n);
            if (available.test(c) && (best == null || lighter(c, best))) {
                best = c;
            }
        }
        return best;
    }

    /** load/weight compared without division. */
    static boolean lighter(Candidate a, Candidate b) {
        return (long) a.load() * b.weight() < (long) b.load() * a.weight();
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }
}
