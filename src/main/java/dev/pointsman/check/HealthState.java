package dev.pointsman.check;

/**
 * A snapshot of HAProxy's health counter for one server.
 *
 * @param health  0..rise+fall-1; UP when {@code health >= rise}
 * @param checked false until the first check completed (Pointsman starts servers DOWN, unchecked)
 */
public record HealthState(int health, int rise, int fall, boolean checked) {
    public HealthState {
        if (rise < 1 || fall < 1) {
            throw new IllegalArgumentException("rise: " + rise + ", fall: " + fall + " (expected: >= 1)");
        }
        if (health < 0 || health > rise + fall - 1) {
            throw new IllegalArgumentException("health: " + health + " (expected: 0-" + (rise + fall - 1) + ")");
        }
    }

    public OperationalState state() {
        return health >= rise ? OperationalState.UP : OperationalState.DOWN;
    }

    public boolean up() {
        return health >= rise;
    }

    /**
     * This state on a scale with other {@code rise} and {@code fall} (a reload changed them): UP
     * stays UP (fully when it was, else one failure from DOWN), DOWN stays DOWN with its successes
     * kept below the new {@code rise}; whether it was ever checked carries over.
     */
    public HealthState rescaled(int rise, int fall) {
        if (rise == this.rise && fall == this.fall) {
            return this;
        }
        int h;
        if (up()) {
            h = fullyUp() ? rise + fall - 1 : rise;
        } else {
            h = Math.min(health, rise - 1);
        }
        return new HealthState(h, rise, fall, checked);
    }

    /** The top of the scale: fully up. */
    public int max() {
        return rise + fall - 1;
    }

    /** Going up (DOWN with some successes) or going down (UP with some failures). */
    public boolean transitional() {
        return health != 0 && health != max();
    }

    /** Fully DOWN after at least one check (health 0). */
    public boolean fullyDown() {
        return checked && health == 0;
    }

    /** Fully UP (health at its maximum). */
    public boolean fullyUp() {
        return health == max();
    }

    /**
     * HAProxy's stats wording: {@code UP}, {@code UP 1/3} (going down: failures left of fall),
     * {@code DOWN}, {@code DOWN 1/2} (going up: successes of rise).
     */
    public String statusText() {
        if (up()) {
            return fullyUp() ? "UP" : "UP " + (health - rise + 1) + "/" + fall;
        }
        return health == 0 ? "DOWN" : "DOWN " + health + "/" + rise;
    }
}
