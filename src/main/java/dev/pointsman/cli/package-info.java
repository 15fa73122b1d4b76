/**
 * The command line, HAProxy's conventions: {@code -f FILE|DIR} (repeatable, in order), {@code -c}
 * checks the configuration and exits 0 or 1, {@code -v} prints the version. SIGTERM, SIGINT and SIGUSR1 (HAProxy's soft stop)
 * stop the proxy softly (see {@link dev.pointsman.runtime.Pointsman#stop}); SIGHUP re-reads every
 * {@code -f} file and reloads in place (see {@link dev.pointsman.runtime.Reloader}).
 */
package dev.pointsman.cli;
