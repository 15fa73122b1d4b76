package dev.pointsman.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The design's demo, step by step, as ./demo plays it: write through 5000, read through 5001 from
 * a replica, switch over, write through 5000 again and land on the new primary, find the change in
 * the proxy's log, and the stats page on 7000.
 */
class DemoIT extends ClusterScenario {
    static final String TABLE = "pointsman_demo";

    @BeforeAll
    static void proxy() {
        startProxy("demo"); // and straight to work, as ./demo does
    }

    @Test
    void writesFollowTheSwitchoverReadsComeFromAReplicaAndTheLogTellsTheChange() throws Exception {
        String leader = cluster.leader();
        List<String> replicas = cluster.replicas().stream().map(LocalCluster::address).toList();
        String note = "demo-it-" + System.currentTimeMillis();

        // 1. a table and three rows through 5000, all written by the leader
        List<String> writers = new ArrayList<>();
        try (Connection c = LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT)) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE TABLE IF NOT EXISTS " + TABLE + " (id bigserial PRIMARY KEY, note text NOT NULL,"
                        + " written_by inet NOT NULL DEFAULT inet_server_addr(), written_at timestamptz NOT NULL DEFAULT now())");
            }
            for (int i = 1; i <= 3; i++) {
                writers.add(insert(c, note + "-" + i));
            }
        }
        assertThat(writers).as("servers that wrote through 5000").containsOnly(LocalCluster.address(leader));

        // 2. the rows read back through 5001, from a replica
        AtomicReference<String> reader = new AtomicReference<>();
        Awaitility.await("the three rows to be readable through 5001").atMost(Duration.ofSeconds(10))
                .pollInterval(Duration.ofMillis(200)).ignoreExceptions()
                .until(() -> {
                    try (Connection c = LocalCluster.connectProxy(LocalCluster.STANDBY_PORT);
                            PreparedStatement ps = c.prepareStatement("SELECT count(*), host(inet_server_addr()) FROM "
                                    + TABLE + " WHERE note LIKE ?")) {
                        ps.setString(1, note + "-%");
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            reader.set(rs.getString(2));
                            return rs.getInt(1) == 3;
                        }
                    }
                });
        assertThat(reader.get()).as("the server that answered through 5001").isIn(replicas);

        // 3. switchover
        int logBefore = proxy.log().length();
        LocalCluster.Switchover switchover = cluster.switchover();

        // 4. a write through 5000 lands on the new primary, at the first attempt
        String writer;
        try (Connection c = LocalCluster.connectProxy(LocalCluster.PRIMARY_PORT)) {
            writer = insert(c, note + "-after-switchover");
        }
        assertThat(writer).as("the server that wrote through 5000 after the switchover")
                .isEqualTo(LocalCluster.address(switchover.newLeader()));

        // 5. the proxy's log tells the change, in HAProxy's words
        Pattern down = Pattern.compile("Server primary/" + switchover.oldLeader() + " is DOWN");
        Pattern up = Pattern.compile("Server primary/" + switchover.newLeader() + " is UP");
        Awaitility.await("the proxy to log /" + down + "/ and /" + up + "/").atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    String since = proxy.log().substring(logBefore);
                    return down.matcher(since).find() && up.matcher(since).find();
                });

        // 6. the stats page
        HttpResponse<String> stats = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build().send(
                HttpRequest.newBuilder(URI.create("http://" + LocalCluster.PROXY_HOST + ":" + LocalCluster.STATS_PORT + "/"))
                        .timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(stats.statusCode()).as("status of the stats page").isEqualTo(200);
        assertThat(stats.body()).as("the stats page").contains("primary", "standby", "pg-1", "pg-2", "pg-3");
    }

    private static String insert(Connection c, String note) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO " + TABLE + " (note) VALUES (?) RETURNING host(written_by)")) {
            ps.setString(1, note);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
