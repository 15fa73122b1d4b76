/**
 * Health checking: the pure rise/fall counter, the interval policy, the probes (TCP connect,
 * {@code option httpchk}, {@code option pgsql-check}, Pointsman's SQL role check) and one
 * {@link dev.pointsman.check.HealthChecker} loop per checked server.
 *
 * <p>Flow: {@code HealthChecker} runs a {@code Probe} on its event loop → a
 * {@code ProbeOutcome} (a {@link dev.pointsman.check.CheckResult}, maybe a
 * {@link dev.pointsman.check.PatroniStatus} and a fast-demote flag) → the
 * {@code HealthCounter} → a {@link dev.pointsman.check.CheckReport} to the
 * {@link dev.pointsman.check.HealthListener}, which the runtime implements.
 * {@link dev.pointsman.check.HealthLog} words the events as HAProxy does.
 *
 * <p>This package depends on {@code config} and {@code net} only: it never touches frontend, backend or
 * runtime.
 * Servers start DOWN and unchecked (see {@code HealthCounter}).
 */
package dev.pointsman.check;
