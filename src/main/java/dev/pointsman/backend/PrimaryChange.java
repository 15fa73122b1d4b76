package dev.pointsman.backend;

import java.time.Duration;
import java.time.Instant;

/**
 * One change of primary as Pointsman saw it on a primary pool (the switchover report): when the new
 * primary took over, who handed over to whom, how Pointsman learnt the old one had lost its role,
 * and what sessions went through over the change's window — from the moment the old primary stopped
 * taking sessions until the new one had served for {@link PrimaryChanges#SETTLE} (or the next
 * change came).
 *
 * @param at        wall-clock time the new primary became usable
 * @param from      the server that was primary
 * @param to        the server that is primary now
 * @param learnt    what took the old primary out, one word: {@code check}, {@code re-check}
 *                  (another server came up on the pool), {@code connect} (a session's connection
 *                  failed), {@code cluster-view}, {@code etcd-key}, {@code switchover-key},
 *                  {@code admin}, {@code weight-0} or {@code reload}
 *                  (a reload removed the old primary)
 * @param gap       how long the pool had no primary: old one out → new one usable
 * @param held      sessions that waited in the queue during the window and got a server
 * @param longestWait the longest wait in the queue of a session that left it during the window
 * @param cut       sessions on the old primary cut during the window
 * @param failed    sessions that ended without a server: queue timeouts (sQ) and final connect
 *                  failures (sC, SC...) during the window
 * @param retried   connect attempts that failed or were refused at startup (57P03) during the
 *                  window and were tried again (requeue, retry, replay on the new primary)
 * @param open      true while the window is still open (its figures may grow)
 */
public record PrimaryChange(Instant at, String from, String to, String learnt, Duration gap, long held,
                            Duration longestWait, long cut, long failed, long retried, boolean open) {
}
