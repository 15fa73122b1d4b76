package dev.pointsman.admin;

/**
 * The process's figures that {@code show info} prints under HAProxy's names. Fields HAProxy has for
 * what Pointsman does not do (SSL, pipes, peers, rate limits) are printed as 0, which they are.
 *
 * @param releaseDate   the build's date, yyyy/MM/dd
 * @param ulimitN       the descriptor limit of the process
 * @param currConns     client sessions now (HAProxy's actconn)
 * @param cumConns      connections accepted since start, by frontends and stats listeners
 * @param connRate      connections accepted over the last second
 * @param tasks         units of work alive: sessions and health-check loops
 * @param runQueue      tasks waiting in the event loops' queues now
 * @param jobs          listeners and connections, the runtime API's included
 * @param listeners     listening sockets: frontends, stats pages and runtime API sockets
 * @param droppedLogs   log lines dropped because the sender queue was full
 * @param bytesOut      bytes relayed to clients and to servers since start
 */
public record ProcessInfo(String name, String version, String releaseDate, int nbthread, long pid,
                          long startEpochSeconds, long uptimeSeconds, long ulimitN, int maxconn, int currConns,
                          long cumConns, long connRate, int tasks, int runQueue, String node, boolean stopping,
                          int jobs, int listeners, long droppedLogs, long bytesOut) {}
