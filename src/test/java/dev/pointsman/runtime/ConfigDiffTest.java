package dev.pointsman.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Bind;
import dev.pointsman.config.Config;
import dev.pointsman.config.parse.ConfigParser;
import dev.pointsman.testing.EphemeralPorts;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigDiffTest {

    private static final String DEFAULTS = """
            defaults
                mode tcp
                timeout connect 1s
                timeout client 1m
                timeout server 1m
            """;

    private static Config parse(String text) throws Exception {
        return ConfigParser.system().parse("r.cfg", DEFAULTS + text);
    }

    private static ConfigDiff diff(String before, String after) throws Exception {
        return ConfigDiff.of(parse(before), parse(after));
    }

    private static Bind.Address at(String host, int port) {
        return new Bind.Address(Optional.ofNullable(host), port);
    }

    @Test
    void theSameConfigurationChangesNothing() throws Exception {
        String cfg = """
                listen primary
                    bind 127.0.0.1:5000
                    server a 127.0.0.1:6001 check
                """;
        ConfigDiff d = diff(cfg, cfg);
        assertThat(d.empty()).isTrue();
        assertThat(d.restartNeeded()).isEmpty();
        assertThat(d.backends().get("primary").kept()).containsExactly("a");
        assertThat(d.frontends().get("primary").kept()).containsExactly(at("127.0.0.1", 5000));
    }

    @Test
    void aServerMovedToAnotherLineOrGivenANewWeightKeepsItsIdentity() throws Exception {
        ConfigDiff d = diff("""
                listen primary
                    bind :5000
                    server a 127.0.0.1:6001 check weight 1 maxconn 10
                    server b 127.0.0.1:6002 check
                """, """
                listen primary
                    bind :5000
                    # a comment shifts every line
                    server b 127.0.0.1:6002 check
                    server a 127.0.0.1:6001 check weight 5 maxconn 20 maxqueue 3 slowstart 10s
                """);
        ConfigDiff.Servers s = d.backends().get("primary");
        assertThat(s.kept()).containsExactly("b", "a");
        assertThat(s.added()).isEmpty();
        assertThat(s.removed()).isEmpty();
        assertThat(s.followersRestart()).isFalse();
        assertThat(d.empty()).isTrue();
    }

    @Test
    void serversAddedAndRemovedAreToldApartFromKeptOnes() throws Exception {
        ConfigDiff.Servers s = diff("""
                listen primary
                    bind :5000
                    server a 127.0.0.1:6001 check
                    server b 127.0.0.1:6002 check
                """, """
                listen primary
                    bind :5000
                    server a 127.0.0.1:6001 check
                    server c 127.0.0.1:6003 check
                """).backends().get("primary");
        assertThat(s.kept()).containsExactly("a");
        assertThat(s.added()).containsExactly("c");
        assertThat(s.removed()).containsExactly("b");
        assertThat(s.replaced()).isEmpty();
        assertThat(s.followersRestart()).as("the Patroni view maps members to the server list").isTrue();
    }

    @Test
    void aNewAddressOrCheckSettingReplacesTheServer() throws Exception {
        ConfigDiff.Servers s = diff("""
                listen primary
                    bind :5000
                    server a 127.0.0.1:6001 check
                    server b 127.0.0.1:6002 check
                    server c 127.0.0.1:6003 check port 8008
                    server d 127.0.0.1:6004 check
                    server e 127.0.0.1:6005
                """, """
                listen primary
                    bind :5000
                    server a 127.0.0.1:7001 check
                    server b 127.0.0.1:6002 check addr 127.0.0.2
                    server c 127.0.0.1:6003 check port 8009
                    server d 127.0.0.1:6004
                    server e 127.0.0.1:6005 check
                """).backends().get("primary");
        assertThat(s.replaced()).containsExactly("a", "b", "c", "d", "e");
        assertThat(s.added()).containsExactly("a", "b", "c", "d", "e");
        assertThat(s.removed()).containsExactly("a", "b", "c", "d", "e");
        assertThat(s.kept()).isEmpty();
    }

    @Test
    void anotherCheckPaceRiseFallOrBackupKeepsTheServerAndRebuildsItsChecker() throws Exception {
        String before = """
                listen primary
                    bind :5000
                    default-server inter 2s
                    server a 127.0.0.1:6001 check
                    server b 127.0.0.1:6002 check
                    server c 127.0.0.1:6003 check
                    server d 127.0.0.1:6004 check
                    server e 127.0.0.1:6005
                """;
        ConfigDiff.Servers s = diff(before, before.replace("default-server inter 2s", "default-server inter 3s")
                .replace("6002 check", "6002 check rise 5 fall 1").replace("6003 check", "6003 check fastinter 1s downinter 9s")
                .replace("6004 check", "6004 check backup").replace(":6005", ":6005 rise 4")).backends().get("primary");
        assertThat(s.kept()).containsExactly("a", "b", "c", "d", "e");
        assertThat(s.rechecked()).as("e is not checked").containsExactly("a", "b", "c", "d");
        assertThat(s.replaced()).isEmpty();
        assertThat(s.unchanged()).isFalse();
    }

    @Test
    void aBackendsCheckTypeChangesTheIdentityOfEveryCheckedServerItsCheckTimeoutOnlyTheirCheckers() throws Exception {
        String before = """
                listen primary
                    bind :5000
                    timeout check 2s
                    server a 127.0.0.1:6001 check
                """;
        ConfigDiff.Servers timeout = diff(before, before.replace("timeout check 2s", "timeout check 3s")).backends().get("primary");
        assertThat(timeout.kept()).containsExactly("a");
        assertThat(timeout.rechecked()).containsExactly("a");
        ConfigDiff.Servers connect = diff(before, before.replace("timeout check 2s", "timeout check 2s\n    timeout connect 3s"))
                .backends().get("primary");
        assertThat(connect.rechecked()).containsExactly("a");
        assertThat(diff(before, before.replace("timeout check 2s", "timeout check 2s\n    option httpchk"))
                .backends().get("primary").replaced()).containsExactly("a");
    }

    @Test
    void sectionsAddedAndRemovedAreListedInTheirOwnOrder() throws Exception {
        ConfigDiff d = diff("""
                listen primary
                    bind :5000
                    server a 127.0.0.1:6001
                listen old
                    bind :5009
                    server a 127.0.0.1:6001
                """, """
                listen primary
                    bind :5000
                    server a 127.0.0.1:6001
                listen third
                    bind :5002
                    server a 127.0.0.1:6001
                frontend fe
                    bind :5003
                    default_backend be
                backend be
                    server x 127.0.0.1:6009
                """);
        assertThat(d.addedBackends()).containsExactly("third", "be");
        assertThat(d.removedBackends()).containsExactly("old");
        assertThat(d.addedFrontends()).containsExactly("third", "fe");
        assertThat(d.removedFrontends()).containsExactly("old");
        assertThat(d.backends()).containsOnlyKeys("primary");
        assertThat(d.empty()).isFalse();
    }

    @Test
    void listenersKeepTheirAddressAddNewOnesAndCloseDroppedOnes() throws Exception {
        ConfigDiff.Listeners l = diff("""
                listen primary
                    bind 127.0.0.1:5000
                    bind :6000-6002
                    server a 127.0.0.1:6001
                """, """
                listen primary
                    bind 127.0.0.1:5000
                    bind :6001-6003
                    bind 127.0.0.1:5002
                    server a 127.0.0.1:6001
                """).frontends().get("primary");
        assertThat(l.kept()).containsExactly(at("127.0.0.1", 5000), at(null, 6001), at(null, 6002));
        assertThat(l.added()).containsExactly(at(null, 6003), at("127.0.0.1", 5002));
        assertThat(l.removed()).containsExactly(at(null, 6000));
    }

    @Test
    void theSameAddressTwiceMatchesOccurrenceByOccurrence() throws Exception {
        // tests bind port 0 everywhere: one more port-0 bind is one more socket
        ConfigDiff d = ConfigDiff.of(EphemeralPorts.of(parse("""
                listen primary
                    bind 127.0.0.1:5000
                    server a 127.0.0.1:6001
                """)), EphemeralPorts.of(parse("""
                listen primary
                    bind 127.0.0.1:5000
                    bind 127.0.0.1:5001
                    server a 127.0.0.1:6001
                """)));
        ConfigDiff.Listeners l = d.frontends().get("primary");
        assertThat(l.kept()).containsExactly(at("127.0.0.1", 0));
        assertThat(l.added()).containsExactly(at("127.0.0.1", 0));
        assertThat(l.removed()).isEmpty();
    }

    @Test
    void globalSettingsThatNeedARestartAreNamedOnceEachAndTheOthersApply() throws Exception {
        ConfigDiff d = ConfigDiff.of(ConfigParser.system().parse("r.cfg", """
                global
                    maxconn 100
                    hard-stop-after 10s
                """ + DEFAULTS + """
                listen primary
                    bind :5000
                    server a 127.0.0.1:6001
                """), ConfigParser.system().parse("r.cfg", """
                global
                    maxconn 200
                    nbthread 2
                    noreuseport
                    hard-stop-after 30s
                """ + DEFAULTS + """
                listen primary
                    bind :5000
                    server a 127.0.0.1:6001
                """));
        assertThat(d.restartNeeded()).containsExactly("global 'maxconn'", "global 'nbthread'", "global 'noreuseport'");
    }

    @Test
    void aKeptFrontendGivenAnotherBacklogNeedsARestartForItsListeningSockets() throws Exception {
        String one = """
                listen primary
                    bind :5000
                    maxconn 50
                    server a 127.0.0.1:6001
                """;
        assertThat(diff(one, one.replace("maxconn 50", "maxconn 50\n    backlog 200")).restartNeeded())
                .containsExactly("'primary': 'backlog' 50 to 200 on the listening sockets kept");
        assertThat(diff(one, one.replace("maxconn 50", "maxconn 60")).restartNeeded())
                .as("the backlog follows maxconn when not set").containsExactly("'primary': 'backlog' 50 to 60 on the listening sockets kept");
        assertThat(diff(one, one.replace("maxconn 50", "maxconn 50\n    backlog 50")).restartNeeded()).isEmpty();
    }

    @Test
    void aStatsListenerKeptOnItsAddressesTakesItsOtherSettingsInPlace() throws Exception {
        String stats = """
                listen stats
                    mode http
                    bind :7000
                    stats enable
                    stats uri /
                """;
        ConfigDiff d = diff(stats, stats.replace("stats uri /", "stats uri /s\n    stats admin if TRUE"));
        assertThat(d.refused()).isEmpty();
        assertThat(d.restartNeeded()).isEmpty();
        assertThat(d.statsReconfigured()).containsExactly("stats");
        assertThat(diff(stats, stats + "    # only a comment\n").statsReconfigured()).isEmpty();
    }

    @Test
    void aStatsListenerAddedRemovedMovedOrResizedRefusesTheReloadWithItsLine() throws Exception {
        String stats = """
                listen stats
                    mode http
                    bind :7000
                    stats enable
                    stats uri /
                """;
        assertThat(diff(stats, stats.replace(":7000", ":7001")).refused()).containsExactly(
                "[r.cfg:8] : 'stats': a reload cannot move a stats listener from [*:7000] to [*:7001]; restart instead");
        assertThat(diff(stats, stats + "    maxconn 5\n").refused()).containsExactly(
                "[r.cfg:6] : 'stats': a reload cannot change a stats listener's maxconn (0 to 5); restart instead");
        assertThat(diff(stats, "").refused()).containsExactly("[r.cfg:6] : 'stats': a reload cannot remove a stats"
                + " listener (it is gone from the new configuration); restart instead");
        assertThat(diff("", stats).refused()).containsExactly(
                "[r.cfg:6] : 'stats': a reload cannot add a stats listener; restart instead");
    }

    @Test
    void aStatsSocketAddedRemovedOrChangedRefusesTheReloadWithItsLine() throws Exception {
        Config admin = ConfigParser.system().parse("r.cfg", "global\n    stats socket /run/p.sock level admin\n" + DEFAULTS);
        Config user = ConfigParser.system().parse("r.cfg", "global\n    stats socket /run/p.sock level user\n" + DEFAULTS);
        Config none = ConfigParser.system().parse("r.cfg", "global\n" + DEFAULTS);
        Config moved = ConfigParser.system().parse("r.cfg", "global\n    stats socket /run/q.sock level admin\n" + DEFAULTS);

        assertThat(ConfigDiff.of(admin, user).refused()).containsExactly(
                "[r.cfg:2] : 'stats socket unix@/run/p.sock': a reload cannot add or change a stats socket (the runtime API"
                        + " listens there); restart instead",
                "[r.cfg:2] : 'stats socket unix@/run/p.sock': a reload cannot remove or change a stats socket (the runtime"
                        + " API listens there); restart instead");
        assertThat(ConfigDiff.of(admin, moved).refused()).hasSize(2);
        assertThat(ConfigDiff.of(admin, none).refused()).singleElement().asString().contains("cannot remove");
        assertThat(ConfigDiff.of(none, admin).refused()).singleElement().asString().contains("cannot add");
        assertThat(ConfigDiff.of(admin, admin).refused()).isEmpty();
        assertThat(ConfigDiff.of(admin, user).restartNeeded()).isEmpty();
    }
}
