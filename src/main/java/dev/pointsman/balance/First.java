package dev.pointsman.balance;

import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code first}: the available server with the lowest id; it fills up to its maxconn before the
 * next one is used. Weights are ignored, as in HAProxy.
 */
final class First<T extends Candidate> implements Balancer<T> {
    private final List<T> candidates;

    First(List<T> candidates) {
        this.candidates = candidates.stream().sorted(Comparator.comparingInt(Candidate::id)).toList();
    }

    @Override
    public T pick(int sourceHash, Predicate<? super T> available) {
        for (T c : candidates) {
            if (available.test(c)) {
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
