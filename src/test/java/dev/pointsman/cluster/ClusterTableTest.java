package dev.pointsman.cluster;

import static dev.pointsman.cluster.Fixtures.cluster;
import static dev.pointsman.cluster.Fixtures.member;
import static dev.pointsman.cluster.Fixtures.patroni;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterTableTest {

    @Test
    void viewPrintsLikePatronictlList() throws Exception {
        ClusterView v = ViewBuilderTest.view(ViewBuilderTest.CTX, null, cluster(null,
                member("pg-1", "replica", "running", "127.0.0.1", 15432, 8008, 8, Long.toString(3L << 20)),
                member("pg-2", "sync_standby", "streaming", "127.0.0.1", 15433, 8009, 8, "\"unknown\""),
                member("pg-3", "leader", "running", "127.0.0.1", 15434, 8010, 8, null)),
                patroni("master", "running", "pointsman", 8, 1), 1);
        assertThat(ClusterTable.format(v)).isEqualTo("""
                + Cluster: pointsman ------+--------------+-----------+----+-----------+--------+
                | Member | Host            | Role         | State     | TL | Lag in MB | Server |
                +--------+-----------------+--------------+-----------+----+-----------+--------+
                | pg-1   | 127.0.0.1:15432 | Replica      | running   |  8 |         3 | pg-1   |
                | pg-2   | 127.0.0.1:15433 | Sync Standby | streaming |  8 |   unknown | pg-2   |
                | pg-3   | 127.0.0.1:15434 | Leader       | running   |  8 |           | pg-3   |
                +--------+-----------------+--------------+-----------+----+-----------+--------+
                 Leader pg-3: /patroni role master, state running (confirmed primary)
                """);
    }

    @Test
    void staleAndInconsistentViewsSaySo() throws Exception {
        ClusterView v = ViewBuilderTest.view(ViewBuilderTest.CTX, null, cluster(null,
                member("pg-1", "leader", "running", "127.0.0.1", 15432, 8008, 8, null),
                member("pg-2", "leader", "running", "127.0.0.1", 15433, 8009, 8, null)), null, 1).withStale(true);
        assertThat(ClusterTable.format(v)).contains(" No leader\n", " Servers not in the cluster: pg-3\n",
                " STALE: no answer for 3000 ms\n", " INCONSISTENT: members disagree about the leader");
    }
}
