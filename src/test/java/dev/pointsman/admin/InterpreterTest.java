package dev.pointsman.admin;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.StatsSocket.Level;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Dispatch, levels, help and errors; texts and rules from HAProxy 2.6.12's CLI. */
class InterpreterTest {
    private final FakeRuntime runtime = FakeRuntime.of("""
            listen one
                bind 127.0.0.1:1
                server solo 127.0.0.1:2
            """);

    @Test
    void helpListsEveryCommandSortedInHaproxysColumnsThenHelpPromptAndQuit() {
        String help = runtime.run(Level.USER, "help");

        List<String> lines = help.lines().toList();
        assertThat(lines.get(0)).isEqualTo("The following commands are valid at this level:");
        assertThat(help).contains(
                "  set server <bk>/<srv> [opts]            : change a server's state or weight\n",
                "  show servers state [<backend>]          : dump volatile server information (all or for a single backend)\n",
                "  shutdown sessions server <bk>/<srv>     : kill sessions on a server\n",
                "  disable server (DEPRECATED)             : disable a server for maintenance (use 'set server' instead)\n",
                "  show cluster [<backend>]                : show the Patroni cluster as Pointsman sees it (like patronictl list)\n",
                "  show events [<backend>]                 : show the changes of primary seen (the switchover report)\n");
        List<String> commands = lines.subList(1, lines.size() - 3);
        assertThat(commands).isSorted().allMatch(l -> l.startsWith("  ") && l.substring(2, 42).length() == 40
                && l.indexOf(": ") >= 42);
        assertThat(help).endsWith(Usage.TAIL);
        assertThat(runtime.run(Level.USER, "help")).as("2.6 lists every command whatever the level")
                .isEqualTo(runtime.admin("help"));
    }

    @Test
    void helpWithWordsListsTheMatchingCommands() {
        assertThat(runtime.admin("help show servers")).isEqualTo(Usage.HELP
                + "  show servers state [<backend>]          : dump volatile server information (all or for a single backend)\n"
                + Usage.TAIL);
        assertThat(runtime.admin("help set timeout")).isEqualTo(Usage.HELP
                + "  set timeout [cli] <delay>               : change a timeout setting\n" + Usage.TAIL);
    }

    @Test
    void anUnknownCommandGetsTheCommandsThatLookAlike() {
        assertThat(runtime.admin("shutdown sessions")).isEqualTo(Usage.PARTIAL
                + "  shutdown sessions server <bk>/<srv>     : kill sessions on a server\n" + Usage.TAIL);
        assertThat(runtime.admin("show servers")).isEqualTo(Usage.PARTIAL
                + "  show servers state [<backend>]          : dump volatile server information (all or for a single backend)\n"
                + Usage.TAIL);
        assertThat(runtime.admin("show backends")).startsWith(Usage.PARTIAL
                + "  show backend                            : list backends in the current running config\n");
        assertThat(runtime.admin("set")).startsWith(Usage.PARTIAL).contains("  set server ", "  set timeout ",
                "  set weight ").doesNotContain("  show ");
        assertThat(runtime.admin("show backend\\;x")).startsWith(Usage.PARTIAL);
    }

    @Test
    void anEmptyLineGetsTheWholeList() {
        assertThat(runtime.admin("")).startsWith(Usage.NO_MATCH).endsWith(Usage.TAIL)
                .contains("  show info ", "  set server ");
        assertThat(runtime.admin("   ")).startsWith(Usage.NO_MATCH);
    }

    @Test
    void anHaproxyCommandPointsmanLacksSaysSo() {
        assertThat(runtime.admin("show fd")).isEqualTo("'show fd' is an HAProxy command that Pointsman does not"
                + " implement; 'help' lists the commands it knows.\n");
        assertThat(runtime.admin("add server one/x 127.0.0.1:9")).startsWith("'add server' is an HAProxy command");
        assertThat(runtime.admin("show servers conn")).startsWith("'show servers conn' is an HAProxy command");
    }

    @Test
    void theLevelCanOnlyBeLoweredAndShowCliLevelSaysWhichItIs() {
        CliSession s = new CliSession(Level.ADMIN, Duration.ofSeconds(10));
        assertThat(runtime.run(s, "show cli level")).isEqualTo("admin\n");
        assertThat(runtime.run(s, "operator")).isEmpty();
        assertThat(runtime.run(s, "show cli level")).isEqualTo("operator\n");
        assertThat(runtime.run(s, "set server one/solo state maint")).isEqualTo("Permission denied\n");
        assertThat(runtime.run(s, "user")).isEmpty();
        assertThat(runtime.run(s, "operator")).as("no way back up").isEqualTo("Permission denied\n");
        assertThat(runtime.run(s, "show cli level")).isEqualTo("user\n");
    }

    @Test
    void operatorDashSkipsTheLineFeedOfItsAnswer() {
        CliSession s = new CliSession(Level.ADMIN, Duration.ofSeconds(10));
        runtime.run(s, "operator -");
        assertThat(s.afterAnswer()).isEmpty();
        assertThat(s.afterAnswer()).isEqualTo("\n");
    }

    @Test
    void promptTogglesInteractiveModeAndQuitAsksToClose() {
        CliSession s = new CliSession(Level.USER, Duration.ofSeconds(10));
        assertThat(s.afterAnswer()).isEqualTo("\n");
        runtime.run(s, "prompt");
        assertThat(s.afterAnswer()).isEqualTo("\n> ");
        runtime.run(s, "prompt");
        assertThat(s.afterAnswer()).isEqualTo("\n");
        assertThat(s.quit()).isFalse();
        runtime.run(s, "quit");
        assertThat(s.quit()).isTrue();
    }

    @Test
    void setTimeoutCliTakesSecondsOrAUnitOfAtLeastOneSecond() {
        CliSession s = new CliSession(Level.USER, Duration.ofSeconds(10));
        assertThat(runtime.run(s, "set timeout cli 60")).isEmpty();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(runtime.run(s, "set timeout cli 2m")).isEmpty();
        assertThat(s.timeout()).isEqualTo(Duration.ofMinutes(2));
        assertThat(runtime.run(s, "set timeout cli 1500ms")).isEmpty();
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(runtime.run(s, "set timeout cli")).isEqualTo("Expects an integer value.\n");
        assertThat(runtime.run(s, "set timeout cli abc")).isEqualTo("Invalid timeout value.\n");
        assertThat(runtime.run(s, "set timeout cli 0")).isEqualTo("Invalid timeout value.\n");
        assertThat(runtime.run(s, "set timeout cli 500ms")).isEqualTo("Invalid timeout value.\n");
        assertThat(runtime.run(s, "set timeout foo 3")).isEqualTo("'set timeout' only supports 'cli'.\n");
        assertThat(s.timeout()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void aCommandThatFailsAnswersInternalErrorAndNeverAStackTrace() {
        runtime.csv = null; // the stats renderer has nothing: show stat's filter fails on it
        String answer = runtime.admin("show stat up");
        assertThat(answer).isEqualTo("Internal error.\n");
    }

    @Test
    void extraWordsAfterACommandAreIgnoredAsInHaproxy() {
        assertThat(runtime.admin("show backend foo")).isEqualTo("# name\none\n");
        assertThat(runtime.admin("show cli level foo")).isEqualTo("admin\n");
    }
}
