package dev.pointsman.backend;

import dev.pointsman.balance.Balancer;
import dev.pointsman.config.Balance;
import java.util.Comparator;
import java.util.List;

/**
 * The servers a backend may hand new sessions to, frozen at one state change. Active servers
 * when any is usable; otherwise the first usable backup (HAProxy without {@code allbackups}).
 */
record Snapshot(Balancer<Server> balancer, int activeUsable, int backupUsable) {

    static Snapshot of(Balance balance, List<Server> servers) {
        List<Server> active = servers.stream().filter(s -> !s.config().backup() && s.usable()).toList();
        List<Server> backups = servers.stream().filter(s -> s.config().backup() && s.usable()).toList();
        List<Server> chosen = !active.isEmpty() ? active
                : backups.stream().min(Comparator.comparingInt(Server::id)).map(List::of).orElse(List.of());
        return new Snapshot(Balancer.of(balance, chosen), active.size(), backups.size());
    }
}
