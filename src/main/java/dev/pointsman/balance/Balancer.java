package dev.pointsman.balance;

import dev.pointsman.config.Balance;
import java.util.List;
import java.util.function.Predicate;

/** Picks one candidate for a new connection from an immutable list. */
public interface Balancer<T extends Candidate> {

    /**
     * @param sourceHash a hash of the client's address (used by {@code source} only)
     * @param available  whether a candidate can take one more session now
     * @return the chosen candidate, or null when none is available
     */
    T pick(int sourceHash, Predicate<? super T> available);

    List<T> candidates();

    /** A balancer for {@code algorithm} over {@code candidates} (which must all have weight > 0). */
    static <T extends Candidate> Balancer<T> of(Balance balance, List<T> candidates) {
        List<T> list = List.copyOf(candidates);
        return switch (balance.algorithm()) {
            case ROUNDROBIN, STATIC_RR -> new RoundRobin<>(list);
            case LEASTCONN -> new LeastConn<>(list);
            case FIRST -> new First<>(list);
            case SOURCE -> new SourceHash<>(list);
            case RANDOM -> new RandomDraws<>(list, balance.draws());
        };
    }
}
