package dev.pointsman.cluster;

import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * One member of a Patroni cluster as {@code GET /cluster} lists it, plus what Pointsman derived
 * from it. Plain fields (null = not known) so that a default Jackson mapper writes it as JSON.
 *
 * @param name              Patroni's member name
 * @param role              as listed: {@code leader}, {@code replica}, {@code sync_standby},
 *                          {@code quorum_standby}, {@code standby_leader}
 * @param state             {@code running}, {@code streaming}, {@code in archive recovery},
 *                          {@code starting}, {@code stopped}...
 * @param host              PostgreSQL host from {@code connect_address}, e.g. {@code 127.0.0.11}
 * @param port              PostgreSQL port, 0 when not listed
 * @param apiUrl            the member's REST API URL ({@code http://127.0.0.11:8008/patroni})
 * @param timeline          null when not listed
 * @param lag               replication lag in bytes; null for the leader or when unknown
 * @param lagUnknown        Patroni listed the lag as {@code "unknown"}
 * @param replayDelayMillis how far behind the replica's replay is in time, from its own {@code /patroni}
 *                          (asked only when {@code max-lag} is a time); null when not measured
 * @param pendingRestart    a setting waits for a restart
 * @param tags              the member's tags ({@code nofailover}, {@code noloadbalance}...) as text
 * @param server            the server of the backend this member is, null when the config does not list it
 * @param lagOverSinceMillis epoch ms since when the lag has been over {@code max-lag}; null when under or no limit
 * @param lagExcluded       over {@code max-lag} for longer than {@code lag-grace} at the time of the poll
 * @param wal               what the member's own {@code /patroni} said of its WAL this poll; null when it was not
 *                          asked (only replicas under a time {@code max-lag}, and members behind the leader's timeline, are)
 */
public record Member(String name, String role, String state, String host, int port, String apiUrl, Long timeline,
                     Long lag, boolean lagUnknown, Long replayDelayMillis, boolean pendingRestart, Map<String, String> tags, String server,
                     Long lagOverSinceMillis, boolean lagExcluded, Wal wal) {

    private static final Set<String> LEADER_ROLES = Set.of("leader", "standby_leader", "master", "primary");
    private static final Set<String> RUNNING_STATES = Set.of("running", "streaming", "in archive recovery");

    /**
     * A member's own account of its WAL ({@code GET /patroni} on its API).
     *
     * @param role     {@code master} (3.x), {@code primary} (4.x), {@code replica}, {@code demoted}...
     * @param running  its state is {@code running}
     * @param timeline the timeline it says it is on; null when not given
     * @param position a primary's {@code xlog.location} (pg_current_wal_lsn), a replica's
     *                 {@code xlog.replayed_location}; null when not given
     */
    public record Wal(String role, boolean running, Long timeline, Long position) {
        /** It says it runs as a primary: role master or primary, state running. */
        public boolean primary() {
            return running && ("master".equals(role) || "primary".equals(role));
        }
    }

    public Member {
        tags = tags == null ? Map.of() : Map.copyOf(tags);
    }

    /** Holds (or says it holds) the leader key: role leader, standby_leader, master or primary. */
    public boolean leaderRole() {
        return role != null && LEADER_ROLES.contains(role.toLowerCase(Locale.ROOT));
    }

    /** PostgreSQL is up: state running (3.x), streaming or in archive recovery (4.x replicas). */
    public boolean runningState() {
        return state != null && RUNNING_STATES.contains(state.toLowerCase(Locale.ROOT));
    }

    public boolean noloadbalance() {
        return "true".equalsIgnoreCase(tags.get("noloadbalance"));
    }

    public boolean nofailover() {
        return "true".equalsIgnoreCase(tags.get("nofailover"));
    }

    Member withServer(String serverName) {
        return new Member(name, role, state, host, port, apiUrl, timeline, lag, lagUnknown, replayDelayMillis, pendingRestart, tags,
                serverName, lagOverSinceMillis, lagExcluded, wal);
    }

    Member withReplayDelay(Long millis) {
        return new Member(name, role, state, host, port, apiUrl, timeline, lag, lagUnknown, millis, pendingRestart, tags,
                server, lagOverSinceMillis, lagExcluded, wal);
    }

    Member withLag(Long overSinceMillis, boolean excluded) {
        return new Member(name, role, state, host, port, apiUrl, timeline, lag, lagUnknown, replayDelayMillis, pendingRestart, tags,
                server, overSinceMillis, excluded, wal);
    }

    Member withWal(Wal value) {
        return new Member(name, role, state, host, port, apiUrl, timeline, lag, lagUnknown, replayDelayMillis, pendingRestart, tags,
                server, lagOverSinceMillis, lagExcluded, value);
    }
}
