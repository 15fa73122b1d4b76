package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The runtime API (issue 14) driven as an operator's shell does it, {@code echo "..." | socat
 * stdio UNIX:...}: one connection per command line, HAProxy's exact command lines, and answers
 * compared to HAProxy 2.6's formats. The proxy runs the reference configuration plus two stats
 * sockets (admin and user level) and a {@code listen solo} on 5002 with the leader as its only
 * server; putting that server in maintenance, on the socket or from the stats page's form ({@code
 * stats admin if LOCALHOST} added), holds a new client in the queue, and {@code ready} releases it.
 *
 * <p>With {@code -De2e.proxy=haproxy} the same assertions run against HAProxy 2.6 (the format
 * checks are HAProxy's own answers then), except what only Pointsman does: holding clients while
 * no server is usable, and {@code show cluster}.
 */
class RuntimeApiIT extends ClusterScenario {
    static final int SOLO_PORT = 5002;
    /** The reference configuration's stats listener. */
    static final String STATS = "http://127.0.0.1:7000";
    /** What HAProxy 2.6 prints first in show stat: the CSV's leading columns, in its order. */
    static final String CSV_HEAD = "# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,"
            + "wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,"
            + "tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,";
    static final String SERVERS_STATE_HEAD = "1\n# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state"
            + " srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health"
            + " srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl"
            + " srv_check_port srv_check_addr srv_agent_addr srv_agent_port\n";
    static final String HELP_TAIL = "  help [<command>]                        : list matching or all commands\n"
            + "  prompt                                  : toggle interactive mode with prompt\n"
            + "  quit                                    : disconnect\n\n";

    private static Path sockets;
    private static Path admin;
    private static Path user;
    private static String leader;
    private static final ExecutorService CLIENTS = Executors.newCachedThreadPool();

    @BeforeAll
    static void proxyWithStatsSockets() throws IOException {
        leader = cluster.leader();
        sockets = Files.createTempDirectory("pointsman-api");
        admin = sockets.resolve("admin.sock");
        user = sockets.resolve("user.sock");
        String reference = Files.readString(E2eDirs.referenceConfig());
        String cfg = reference.replaceFirst("(?m)^global\n", "global\n"
                        + "    stats socket " + admin + " mode 600 level admin\n"
                        + "    stats socket " + user + " mode 600 level user\n"
                        + "    stats timeout 30s\n")
                .replaceFirst("(?m)^(listen stats\n(?:    .*\n)*?    stats uri .*\n)", "$1    stats admin if LOCALHOST\n")
                + "\nlisten solo\n"
                + "    bind *:" + SOLO_PORT + "\n"
                + "    timeout queue 30s\n"
                + "    option httpchk\n"
                + "    http-check expect status 200\n"
                + "    server " + leader + " " + leader + ":5432 check port 8008 inter 1s rise 1 fall 3\n";
        Path file = E2eDirs.output().resolve("runtime-api.cfg");
        Files.writeString(file, cfg);
        proxy = ProxyProcess.chosen(file).start("runtime-api");
        awaitSteadyRouting();
        await("solo's server UP").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250))
                .until(() -> serverLine("solo").split(" ")[5].equals("2"));
    }

    @AfterAll
    static void removeSocketDirectory() throws IOException {
        CLIENTS.shutdownNow();
        if (sockets != null) {
            try (Stream<Path> files = Files.walk(sockets)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static boolean pointsman() {
        return proxy.name().equals("pointsman");
    }

    @Test
    void readCommandsAnswerInHaproxysFormats() throws Exception {
        String help = socat(admin, "help");
        assertThat(help).startsWith("The following commands are valid at this level:\n").endsWith(HELP_TAIL).contains(
                "  show servers state [<backend>]          : dump volatile server information (all or for a single backend)\n",
                "  shutdown sessions server <bk>/<srv>     : kill sessions on a server\n",
                "  show backend                            : list backends in the current running config\n",
                "  get weight <bk>/<srv>                   : report a server's current weight\n");

        String info = socat(admin, "show info");
        assertThat(info).endsWith("\n\n").contains("\nPid: ", "\nProcess_num: 1\n", "\nMaxconn: 300\n", "\nCurrConns: ",
                "\nMaxpipes: ", "\nPipesUsed: ", "\nTasks: ", "\nRun_queue: ", "\nnode: ");
        assertThat(info.lines().filter(l -> !l.isEmpty())).allMatch(l -> l.matches("[A-Za-z_ -]+: .*"));
        assertThat(info.lines().filter(l -> l.startsWith("Uptime: "))).singleElement()
                .satisfies(l -> assertThat(l).matches("Uptime: \\d+d \\d+h\\d\\dm\\d\\ds"));

        String stat = socat(admin, "show stat");
        assertThat(stat).startsWith(CSV_HEAD).endsWith(",\n\n");
        assertThat(stat.lines().filter(l -> l.startsWith("solo," + leader + ","))).singleElement()
                .satisfies(l -> assertThat(l.split(",")[17]).isEqualTo("UP"));
        assertThat(socat(user, "show stat solo 4 -1").lines().filter(l -> !l.isEmpty() && !l.startsWith("#")))
                .singleElement().satisfies(l -> assertThat(l).startsWith("solo," + leader + ","));

        String state = socat(admin, "show servers state");
        assertThat(state).startsWith(SERVERS_STATE_HEAD).endsWith("\n\n");
        assertThat(state.lines().skip(2).filter(l -> !l.isEmpty())).hasSize(7)
                .allSatisfy(l -> assertThat(l.split(" ")).hasSize(25));
        assertThat(socat(admin, "show servers state nope")).isEqualTo("Can't find backend.\n\n");

        assertThat(socat(user, "show backend")).isEqualTo("# name\nstats\nprimary\nstandby\nsolo\n\n");
        assertThat(socat(user, "show cli level")).isEqualTo("user\n\n");
    }

    @Test
    void errorsAndLevelsAnswerAsHaproxy() throws Exception {
        assertThat(socat(admin, "set server solo/nope state maint")).isEqualTo("No such server.\n\n");
        assertThat(socat(admin, "set server nope/" + leader + " state maint")).isEqualTo("No such backend.\n\n");
        assertThat(socat(admin, "set server solo state maint")).isEqualTo("Require 'backend/server'.\n\n");
        assertThat(socat(admin, "set server solo/" + leader + " state up"))
                .isEqualTo("'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n");
        assertThat(socat(admin, "set server solo/" + leader + " weight 300"))
                .isEqualTo("Absolute weight can only be between 0 and 256 inclusive.\n\n");
        assertThat(socat(user, "set server solo/" + leader + " state maint")).isEqualTo("Permission denied\n\n");
        assertThat(socat(user, "show sess")).isEqualTo("Permission denied\n\n");
        assertThat(socat(admin, "shutdown sessions")).isEqualTo("Unknown command, but maybe one of the following ones"
                + " is a better match:\n  shutdown sessions server <bk>/<srv>     : kill sessions on a server\n" + HELP_TAIL);
        assertThat(socat(admin, "show backend;show cli level")).isEqualTo("# name\nstats\nprimary\nstandby\nsolo\n\n"
                + "admin\n\n");

        assertThat(socat(admin, "set server solo/" + leader + " weight 50")).isEqualTo("\n");
        assertThat(socat(user, "get weight solo/" + leader)).isEqualTo("50 (initial 1)\n\n");
        assertThat(socat(admin, "set server solo/" + leader + " weight 100%")).isEqualTo("\n");
        assertThat(socat(user, "get weight solo/" + leader)).isEqualTo("1 (initial 1)\n\n");
    }

    @Test
    void maintHoldsNewClientsOfTheOneServerBackendAndReadyReleasesThem() throws Exception {
        Assumptions.assumeTrue(pointsman(), "HAProxy refuses clients when no server is usable; Pointsman holds them");
        String server = "solo/" + leader;
        try (Connection live = LocalCluster.connectProxy(SOLO_PORT)) {
            assertThat(socat(admin, "show sess")).containsPattern("(?m)^0x[0-9a-f]+: proto=tcpv4 src=127\\.0\\.0\\.1:\\d+"
                    + " fe=solo be=solo srv=" + leader + " .*age=\\d+[smhd]");

            // Given the only server in maintenance
            assertThat(socat(admin, "set server " + server + " state maint")).isEqualTo("\n");
            assertThat(serverLine("solo").split(" ")[6]).as("srv_admin_state: forced maintenance").isEqualTo("1");
            assertThat(LocalCluster.queryString(live, "SELECT 'still here'"))
                    .as("no on-marked-down shutdown-sessions here: the session stays").isEqualTo("still here");

            // When a new client connects, it waits in the queue; then ready releases it to the server
            assertHeldThenReleased(() -> assertThat(socat(admin, "set server " + server + " state ready")).isEqualTo("\n"));

            // shutdown sessions cuts the live one
            assertThat(socat(admin, "shutdown sessions server " + server)).isEqualTo("\n");
            await("the session cut").atMost(Duration.ofSeconds(10)).until(() -> !live.isValid(1));
        }
        await("the state lines in the log").atMost(Duration.ofSeconds(10)).until(() -> proxy.log().contains(
                "Server " + server + " is UP/READY (leaving forced maintenance)."));
        assertThat(proxy.log()).contains("Server " + server + " is going DOWN for maintenance. 0 active and 0 backup"
                + " servers left.", "has no server available!");
    }

    @Test
    void maintFromTheStatsPageHoldsNewClientsOfTheOneServerBackendAndReadyReleasesThem() throws Exception {
        Assumptions.assumeTrue(pointsman(), "HAProxy refuses clients when no server is usable; Pointsman holds them");
        // Given the only server put in maintenance from the page's form (stats admin if LOCALHOST)
        assertThat(pagePost("s=" + leader + "&action=maint&b=solo")).isEqualTo("/;st=DONE");
        assertThat(serverLine("solo").split(" ")[6]).as("srv_admin_state: forced maintenance").isEqualTo("1");
        assertThat(page("/;st=DONE")).contains("Action processed successfully.")
                .contains("<input class=\"solo-checkbox\" type=\"checkbox\" name=\"s\" value=\"" + leader + "\">");

        // When a new client connects, it waits in the queue; then ready from the page releases it
        assertHeldThenReleased(() -> assertThat(pagePost("s=" + leader + "&action=ready&b=solo")).isEqualTo("/;st=DONE"));
        assertThat(serverLine("solo").split(" ")[6]).as("srv_admin_state: none").isEqualTo("0");
        assertThat(pagePost("s=nosuch&action=maint&b=solo")).isEqualTo("/;st=ERRP");
    }

    private interface Release {
        void run() throws Exception;
    }

    /** A new client of solo, whose only server is in maintenance, waits in the queue until {@code release} runs. */
    private static void assertHeldThenReleased(Release release) throws Exception {
        CompletableFuture<String> held = CompletableFuture.supplyAsync(() -> {
            try (Connection c = LocalCluster.connectProxy(SOLO_PORT)) {
                return LocalCluster.queryString(c, "SELECT 'released'");
            } catch (SQLException e) {
                throw new IllegalStateException(e.getSQLState() + " " + e.getMessage(), e);
            }
        }, CLIENTS);
        await("the client queued").atMost(Duration.ofSeconds(5)).pollInterval(Duration.ofMillis(100))
                .until(() -> socat(admin, "show stat solo 2 -1").lines().skip(1).findFirst().orElse("")
                        .split(",")[2].equals("1"));
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> !held.isDone());
        release.run();
        assertThat(held.get(15, TimeUnit.SECONDS)).isEqualTo("released");
    }

    /** POSTs the page's form to the stats listener (7000) from localhost; where the 303 leads. */
    private static String pagePost(String form) throws Exception {
        HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(STATS + "/"))
                .timeout(Duration.ofSeconds(10)).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as("HAProxy's answer to a POST").isEqualTo(303);
        return r.headers().firstValue("Location").orElseThrow();
    }

    private static String page(String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(STATS + path))
                .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString()).body();
    }

    @Test
    void showClusterPrintsThePatroniViewLikePatronictlList() throws Exception {
        Assumptions.assumeTrue(pointsman(), "show cluster is Pointsman's own command");
        String out = socat(user, "show cluster primary");
        assertThat(out).startsWith("backend primary:\n+ Cluster: ").endsWith("\n\n")
                .containsPattern("\\| " + leader + " +\\| [^|]+\\| Leader ");
        assertThat(out.substring(0, out.length() - 2)).doesNotContain("\n\n");
    }

    /** The server line of {@code backend} in show servers state (its only server). */
    private static String serverLine(String backend) throws IOException {
        return socat(admin, "show servers state " + backend).lines().skip(2).filter(l -> !l.isEmpty()).findFirst()
                .orElseThrow();
    }

    /**
     * {@code echo "$line" | socat stdio UNIX-CONNECT:$socket}: one connection, the line, the end of
     * input, and everything until the proxy closes (bounded).
     */
    static String socat(Path socket, String line) throws IOException {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            ch.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> readAll(ch), CLIENTS);
            try {
                return answer.get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IOException("no complete answer to '" + line + "' on " + socket + " within 10 s", e);
            }
        }
    }

    private static String readAll(SocketChannel ch) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(16384);
        try {
            while (ch.read(buf) >= 0) {
                out.write(buf.array(), 0, buf.position());
                buf.clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
