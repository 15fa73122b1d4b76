package dev.pointsman.stats;

import dev.pointsman.backend.Backend;
import dev.pointsman.backend.Server;
import dev.pointsman.check.CheckReport;
import dev.pointsman.check.PatroniStatus;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Patroni facts from each server's last health check. A replica's lag needs the primary's WAL
 * position, which only the primary's own check body carries: it is taken from the freshest check
 * of any server (in any backend) that said it is the primary, and the lag is that position minus
 * the replica's replayed position, never below 0.
 */
public final class CheckPatroniView implements PatroniView {
    private final List<Backend> backends;

    public CheckPatroniView(Collection<Backend> backends) {
        this.backends = List.copyOf(backends);
    }

    @Override
    public Optional<PatroniFacts> facts(Server server) {
        return server.lastCheck().flatMap(CheckReport::patroni).map(p -> facts(p, primaryLocation()));
    }

    static PatroniFacts facts(PatroniStatus p, OptionalLong primaryLocation) {
        Optional<String> role = p.isPrimary() ? Optional.of("primary") : p.role();
        OptionalLong lag = OptionalLong.empty();
        if (p.isPrimary()) {
            lag = OptionalLong.of(0);
        } else if (primaryLocation.isPresent()) {
            OptionalLong replayed = p.xlog().map(PatroniStatus.Xlog::replayedLocation).orElse(OptionalLong.empty());
            if (replayed.isPresent()) {
                lag = OptionalLong.of(Math.max(0, primaryLocation.getAsLong() - replayed.getAsLong()));
            }
        }
        return new PatroniFacts(role, p.state(), p.timeline(), lag, Optional.of(p.pendingRestart()), "check");
    }

    /** The highest WAL position a primary reported in its last check. */
    private OptionalLong primaryLocation() {
        long best = -1;
        for (Backend b : backends) {
            for (Server s : b.servers()) {
                Optional<PatroniStatus> p = s.lastCheck().flatMap(CheckReport::patroni).filter(PatroniStatus::isPrimary);
                if (p.isPresent()) {
                    OptionalLong loc = p.get().xlog().map(PatroniStatus.Xlog::location).orElse(OptionalLong.empty());
                    if (loc.isPresent() && loc.getAsLong() > best) {
                        best = loc.getAsLong();
                    }
                }
            }
        }
        return best < 0 ? OptionalLong.empty() : OptionalLong.of(best);
    }
}
