package dev.pointsman.balance;

import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;

/**
 * {@code random(N)}: draws N servers at random, in proportion to their weights, and keeps the
 * least loaded available one (power of N choices). When no draw is available every server is
 * scanned so a free server is never missed.
 */
final class RandomDraws<T extends Candidate> implements Balancer<T> {
    private final List<T> candidates;
    private final Object[] weighted;
    private final int draws;

    RandomDraws(List<T> candidates, int draws) {
        this.candidates = candidates;
        this.weighted = RoundRobin.smoothOrder(candidates).toArray();
        this.draws = Math.max(1, draws);
    }

    @Override
    @SuppressWarnings("unchecked")
    public T pick(int sourceHash, Predicate<? super T> available) {
        int n = weighted.length;
        if (n == 0) {
            return null;
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        T best = null;
        for (int i = 0; i < draws; i++) {
            T c = (T) weighted[random.nextInt(n)];
            if (available.test(c) && (best == null || LeastConn.lighter(c, best))) {
                best = c;
            }
        }
        if (best != null) {
            return best;
        }
        for (T c : candidates) {
            if (available.test(c) && (best == null || LeastConn.lighter(c, best))) {
                best = c;
            }
        }
        return best;
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }
}
