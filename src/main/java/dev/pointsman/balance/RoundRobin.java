package dev.pointsman.balance;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * {@code roundrobin} and {@code static-rr}: each server in turn, in proportion to its weight.
 * The turn order is precomputed once per snapshot with smooth weighted round-robin, so weights
 * 3:1 give A A B A rather than A A A B; picking is one atomic increment.
 */
final class RoundRobin<T extends Candidate> implements Balancer<T> {
    private final List<T> candidates;
    private final Object[] order;
    private final AtomicInteger cursor = new AtomicInteger();

    RoundRobin(List<T> candidates) {
        this.candidates = candidates;
        this.order = smoothOrder(candidates).toArray();
    }

    static <T extends Candidate> List<T> smoothOrder(List<T> candidates) {
        int total = candidates.stream().mapToInt(Candidate::weight).sum();
        int[] current = new int[candidates.size()];
        List<T> order = new ArrayList<>(total);
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < candidates.size(); i++) {
                current[i] += candidates.get(i).weight();
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order.add(candidates.get(best));
        }
        return order;
    }

    @Override
    @SuppressWarnings("unchecked")
    public T pick(int sourceHash, Predicate<? super T> available) {
        int n = order.length;
        if (n == 0) {
            return null;
        }
        int start = Math.floorMod(cursor.getAndIncrement(), n);
        for (int i = 0; i < n; i++) {
            T c = (T) order[(start + i) % n];
            if (available.test(c)) {
                if (i > 0) {
                    cursor.addAndGet(i);
                }
                return c;
            }
        }
        return null;
    }

    @Override
    public List<T> candidates() {
        return candidates;
    }
}
