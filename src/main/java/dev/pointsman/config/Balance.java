package dev.pointsman.config;

/**
 * The {@code balance} algorithm of a backend.
 *
 * @param draws for {@code random(N)}: how many servers are drawn (power of N choices); 2 by default
 */
public record Balance(Algorithm algorithm, int draws) {
    public static final Balance DEFAULT = new Balance(Algorithm.ROUNDROBIN, 2);

    public enum Algorithm {
        ROUNDROBIN("roundrobin"), STATIC_RR("static-rr"), LEASTCONN("leastconn"), FIRST("first"),
        SOURCE("source"), RANDOM("random");

        private final String keyword;

        Algorithm(String keyword) {
            this.keyword = keyword;
        }

        public String keyword() {
            return keyword;
        }
    }
}
