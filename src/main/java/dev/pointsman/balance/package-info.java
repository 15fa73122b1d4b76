/**
 * One small class per {@code balance} keyword. Each picks from an immutable list of candidates
 * built when the backend's usable set changes; picking is lock-free and never allocates a list.
 * A candidate that is not {@code available} (at its maxconn) is skipped; when none is available
 * the pick returns null and the caller queues.
 */
package dev.pointsman.balance;
