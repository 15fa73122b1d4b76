package dev.pointsman.check;

/**
 * HAProxy's single health integer ({@code src/check.c}, {@code set_server_check_status}) as a pure
 * class: no I/O, no clock, one instance per checked server, confined to its checker's thread.
 *
 * <p>{@code health} runs from 0 to {@code rise+fall-1}; the server is UP when
 * {@code health >= rise}. A success increments it and, once it reaches {@code rise}, jumps it to
 * {@code rise+fall-1} (fully up). A failure decrements it and, if it drops below {@code rise},
 * resets it to 0, so a rising server needs {@code rise} <em>consecutive</em> successes.
 *
 * <p><b>Start-up, where Pointsman differs from HAProxy.</b> HAProxy starts a checked server UP with
 * {@code health = rise} ("up, but will fall down at first failure"), so right after a start or a
 * reload port 5000 balances over every node until the replicas fail a check. Pointsman starts
 * every checked server DOWN with health 0 and <em>never checked</em>; no server takes traffic
 * before a check passed. The first completed check decides, like HAProxy 3.1's
 * {@code init-state down} ("goes UP at the first success"): a first success makes the server
 * fully UP at once ({@code health = rise+fall-1}), a first failure leaves it fully DOWN. From then
 * on the normal rise/fall rules apply. Waiting for {@code rise} successes at start would only
 * delay the first usable primary by {@code (rise-1) * fastinter}.
 *
 * <p><b>Force down.</b> {@link #forceDown()} is the Patroni fast-demote rule: a definitive role
 * statement marks the server DOWN (health 0) on that check, without waiting for {@code fall}.
 */
final class HealthCounter {
    private final int rise;
    private final int fall;
    private int health;
    private boolean checked;

    HealthCounter(int rise, int fall) {
        this(new HealthState(0, rise, fall, false));
    }

    HealthCounter(HealthState initial) {
        this.rise = initial.rise();
        this.fall = initial.fall();
        this.health = initial.health();
        this.checked = initial.checked();
    }

    HealthState state() {
        return new HealthState(health, rise, fall, checked);
    }

    /** Applies a probe outcome; a result that neither passed nor failed changes nothing. */
    Transition apply(CheckStatus status) {
        if (status.passed()) {
            return success();
        }
        if (status.failed()) {
            return failure();
        }
        return Transition.UNCHANGED;
    }

    Transition success() {
        boolean wasUp = up();
        if (!checked) {
            checked = true;
            health = max();
            return wasUp ? Transition.UNCHANGED : Transition.CHANGED;
        }
        if (health >= max()) {
            return Transition.UNCHANGED;
        }
        health++;
        if (health >= rise) {
            health = max();
        }
        return wasUp == up() ? Transition.PENDING : Transition.CHANGED;
    }

    Transition failure() {
        checked = true;
        if (health == 0) {
            return Transition.UNCHANGED;
        }
        boolean wasUp = up();
        health--;
        if (health < rise) {
            health = 0;
        }
        return wasUp == up() ? Transition.PENDING : Transition.CHANGED;
    }

    Transition forceDown() {
        checked = true;
        if (health == 0) {
            return Transition.UNCHANGED;
        }
        boolean wasUp = up();
        health = 0;
        return wasUp ? Transition.CHANGED : Transition.PENDING;
    }

    private boolean up() {
        return health >= rise;
    }

    private int max() {
        return rise + fall - 1;
    }
}
