package dev.pointsman.check;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class HealthLogTest {
    private static final HealthLog.ServerCounts NONE_LEFT = new HealthLog.ServerCounts(0, 0, 0, 0, 0);

    private static CheckReport report(boolean backup, CheckResult result, HealthState state, OperationalState before) {
        return new CheckReport("primary", "pg-1", backup, result, state, Transition.CHANGED, before, false, Optional.empty());
    }

    private static CheckReport down(CheckResult result) {
        return report(false, result, new HealthState(0, 2, 3, true), OperationalState.UP);
    }

    @Test
    void downLineMatchesHaproxysWording() {
        CheckResult result = CheckResult.of(CheckStatus.L7STS, 503, "Service Unavailable", Duration.ofMillis(2));

        assertThat(HealthLog.stateChange(down(result), NONE_LEFT)).isEqualTo(
                "Server primary/pg-1 is DOWN, reason: Layer7 wrong status, code: 503, info: \"Service Unavailable\", "
                        + "check duration: 2ms. 0 active and 0 backup servers left. 0 sessions active, 0 requeued, "
                        + "0 remaining in queue.");
    }

    @Test
    void upLineMatchesHaproxysWording() {
        CheckResult result = CheckResult.of(CheckStatus.L7OK, 200, "", Duration.ofMillis(1));
        CheckReport up = report(false, result, new HealthState(4, 2, 3, true), OperationalState.DOWN);

        assertThat(HealthLog.stateChange(up, new HealthLog.ServerCounts(1, 0, 0, 0, 0))).isEqualTo(
                "Server primary/pg-1 is UP, reason: Layer7 check passed, code: 200, check duration: 1ms. "
                        + "1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue.");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            L4CON  | Connection refused | Layer4 connection problem, info: "Connection refused"
            L4TOUT | ''                 | Layer4 timeout
            L7TOUT | ''                 | Layer7 timeout
            L7RSP  | empty response     | Layer7 invalid response, info: "empty response"
            L6RSP  | ''                 | Layer6 invalid response
            SOCKERR| ''                 | Socket error
            """)
    void failureReasonsUseHaproxysDescriptionsAndNoCodeBelowLayer7Data(CheckStatus status, String info, String words) {
        CheckResult result = new CheckResult(status, OptionalInt.empty(), info, Duration.ofMillis(3));

        assertThat(HealthLog.stateChange(down(result), NONE_LEFT))
                .startsWith("Server primary/pg-1 is DOWN, reason: " + words + ", check duration: 3ms. ");
    }

    @Test
    void protocolCheckWithoutCodeReportsCodeZeroLikeHaproxy() {
        CheckResult result = CheckResult.of(CheckStatus.L7STS, "PostgreSQL unknown error", Duration.ZERO);
        assertThat(HealthLog.stateChange(down(result), NONE_LEFT))
                .contains("reason: Layer7 wrong status, code: 0, info: \"PostgreSQL unknown error\"");
    }

    @Test
    void backupServerAndRunningOnBackupAreNamed() {
        CheckResult result = CheckResult.of(CheckStatus.L4CON, "Connection refused", Duration.ZERO);
        CheckReport backupDown = report(true, result, new HealthState(0, 2, 3, true), OperationalState.UP);

        assertThat(HealthLog.stateChange(backupDown, new HealthLog.ServerCounts(0, 1, 2, 1, 0))).isEqualTo(
                "Backup Server primary/pg-1 is DOWN, reason: Layer4 connection problem, info: \"Connection refused\", "
                        + "check duration: 0ms. 0 active and 1 backup servers left. Running on backup. "
                        + "2 sessions active, 1 requeued, 0 remaining in queue.");
    }

    @Test
    void infoIsAsciiEncodedLikeChunkAsciiencode() {
        CheckResult result = CheckResult.of(CheckStatus.L7RSP, "invalid status line: \"<x>\"\t", Duration.ZERO);
        assertThat(HealthLog.stateChange(down(result), NONE_LEFT))
                .contains("info: \"invalid status line: <22><3C>x<3E><22><09>\"");
    }

    @Test
    void healthCheckLineShowsTheCounterLikeLogHealthChecks() {
        CheckResult failed = CheckResult.of(CheckStatus.L7STS, 503, "Service Unavailable", Duration.ofMillis(2));
        CheckReport goingDown = new CheckReport("primary", "pg-1", false, failed, new HealthState(3, 2, 3, true),
                Transition.PENDING, OperationalState.UP, false, Optional.empty());

        assertThat(HealthLog.checkLine(goingDown)).isEqualTo("Health check for server primary/pg-1 failed, "
                + "reason: Layer7 wrong status, code: 503, info: \"Service Unavailable\", check duration: 2ms, "
                + "status: 2/3 UP.");

        CheckResult passed = CheckResult.of(CheckStatus.L7OK, 200, "", Duration.ofMillis(1));
        CheckReport goingUp = new CheckReport("primary", "pg-1", false, passed, new HealthState(1, 2, 3, true),
                Transition.PENDING, OperationalState.DOWN, false, Optional.empty());
        assertThat(HealthLog.checkLine(goingUp)).endsWith("succeeded, reason: Layer7 check passed, code: 200, "
                + "check duration: 1ms, status: 1/2 DOWN.");
    }
}
