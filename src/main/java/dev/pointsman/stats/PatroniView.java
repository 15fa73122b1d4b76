package dev.pointsman.stats;

import dev.pointsman.backend.Server;
import java.util.Optional;

/**
 * Where stats reads what is known of a server's Patroni member. The first source is the server's
 * last health check ({@link CheckPatroniView}, from the JSON body of a GET check); a cluster
 * component that watches Patroni's REST API or the DCS implements this too, and is put in front
 * with {@link #orElse}.
 */
@FunctionalInterface
public interface PatroniView {
    PatroniView NONE = server -> Optional.empty();

    /** The facts about the member behind {@code server}; empty when nothing is known. */
    Optional<PatroniFacts> facts(Server server);

    /** This view's facts, or {@code next}'s when this one knows nothing. */
    default PatroniView orElse(PatroniView next) {
        return server -> {
            Optional<PatroniFacts> mine = facts(server);
            return mine.isPresent() ? mine : next.facts(server);
        };
    }
}
