/**
 * Logs in HAProxy's wording: tcplog records, health and state events, start and stop lines,
 * and the senders that carry them (syslog over UDP or a unix socket, stdout, stderr). Nothing
 * here blocks an event loop: records are formatted on the caller and handed to a bounded queue.
 */
package dev.pointsman.log;
