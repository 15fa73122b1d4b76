/**
 * The runtime API: HAProxy's {@code stats socket} CLI, with its command words, levels and answers,
 * so that {@code socat}, hatop-style tools and existing scripts keep working.
 *
 * <p>Flow: {@link dev.pointsman.admin.AdminServer} (unix or TCP listeners on one event loop of its
 * own) → {@code CliHandler} (lines, {@code ;}-separated commands, one answer at a time, each
 * followed by an empty line or the interactive prompt) → {@code Interpreter} (the command table,
 * levels, HAProxy's usage text for an unknown command) → {@code ShowCommands} (reads: info, stat,
 * servers state, backend, sess, Pointsman's {@code show cluster}) or {@code ServerCommands}
 * (writes).
 *
 * <p>Writes only administrative state and weight (observation flow 3 in {@code runtime}): a
 * change is sent to the backend's owner ({@link dev.pointsman.backend.Backend#changeAdminState},
 * {@link dev.pointsman.backend.Backend#setWeight}), which rebuilds its snapshot at once, and is
 * logged there in HAProxy's words ({@code AdminLog}); the answer goes back once it is in force.
 * Reads use volatile state and counters, rendered on the runtime API's thread.
 *
 * <p>Depends on {@code config}, {@code backend}, {@code check} (status codes and wording),
 * {@code cluster} (its table) and {@code log}; what it needs of the rest comes through
 * {@link dev.pointsman.admin.AdminContext}, filled by the runtime.
 */
package dev.pointsman.admin;
