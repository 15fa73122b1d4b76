package dev.pointsman.check;

/**
 * HAProxy's check status codes ({@code check_status} in the stats CSV) with the description used
 * in log lines ({@code reason: ...}), as in HAProxy's {@code check_statuses} table.
 */
public enum CheckStatus {
    /** Not checked yet (stats show INI). */
    INI("Initializing", Outcome.UNKNOWN),
    SOCKERR("Socket error", Outcome.FAILED),
    L4OK("Layer4 check passed", Outcome.PASSED),
    L4TOUT("Layer4 timeout", Outcome.FAILED),
    L4CON("Layer4 connection problem", Outcome.FAILED),
    L6OK("Layer6 check passed", Outcome.PASSED),
    L6TOUT("Layer6 timeout", Outcome.FAILED),
    L6RSP("Layer6 invalid response", Outcome.FAILED),
    L7TOUT("Layer7 timeout", Outcome.FAILED),
    L7RSP("Layer7 invalid response", Outcome.FAILED),
    L7OK("Layer7 check passed", Outcome.PASSED),
    L7OKC("Layer7 check conditionally passed", Outcome.PASSED),
    L7STS("Layer7 wrong status", Outcome.FAILED);

    /** Whether a status counts as a success or a failure for the rise/fall counter. */
    public enum Outcome { UNKNOWN, PASSED, FAILED }

    private final String description;
    private final Outcome outcome;

    CheckStatus(String description, Outcome outcome) {
        this.description = description;
        this.outcome = outcome;
    }

    /** HAProxy's long description, e.g. {@code Layer7 wrong status}. */
    public String description() {
        return description;
    }

    public boolean passed() {
        return outcome == Outcome.PASSED;
    }

    public boolean failed() {
        return outcome == Outcome.FAILED;
    }

    /**
     * HAProxy prints {@code , code: N} only for statuses past its L57DATA marker: L7OK, L7OKC and
     * L7STS (not for L7RSP or L7TOUT).
     */
    public boolean reportsCode() {
        return this == L7OK || this == L7OKC || this == L7STS;
    }
}
