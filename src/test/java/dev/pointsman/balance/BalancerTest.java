package dev.pointsman.balance;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pointsman.config.Balance;
import dev.pointsman.config.Balance.Algorithm;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class BalancerTest {

    static final class Srv implements Candidate {
        final String name;
        final int id;
        final int weight;
        int load;

        Srv(String name, int id, int weight) {
            this.name = name;
            this.id = id;
            this.weight = weight;
        }

        @Override
        public int weight() {
            return weight;
        }

        @Override
        public int load() {
            return load;
        }

        @Override
        public int id() {
            return id;
        }

        @Override
        public String toString() {
            return name;
        }
    }

    private static final Predicate<Srv> ANY = s -> true;

    private static List<String> picks(Balancer<Srv> b, int n) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(b.pick(0, ANY).name);
        }
        return out;
    }

    @Test
    void roundrobinWithEqualWeightsTakesEachServerInTurn() {
        Balancer<Srv> b = Balancer.of(new Balance(Algorithm.ROUNDROBIN, 2),
                List.of(new Srv("a", 1, 1), new Srv("b", 2, 1), new Srv("c", 3, 1)));

        assertThat(picks(b, 6)).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void roundrobinSpreadsByWeightSmoothly() {
        Balancer<Srv> b = Balancer.of(new Balance(Algorithm.ROUNDROBIN, 2),
                List.of(new Srv("a", 1, 3), new Srv("b", 2, 1)));

        assertThat(picks(b, 8)).containsExactly("a", "a", "b", "a", "a", "a", "b", "a");
    }

    @Test
    void roundrobinSkipsAServerWithoutRoom() {
        Srv a = new Srv("a", 1, 1);
        Srv b = new Srv("b", 2, 1);
        Balancer<Srv> bal = Balancer.of(Balance.DEFAULT, List.of(a, b));

        assertThat(bal.pick(0, s -> s != a)).isSameAs(b);
        assertThat(bal.pick(0, s -> s != a)).isSameAs(b);
        assertThat(bal.pick(0, s -> false)).isNull();
    }

    @Test
    void leastconnPicksTheLeastLoadedAndRotatesTies() {
        Srv a = new Srv("a", 1, 1);
        Srv b = new Srv("b", 2, 1);
        Srv c = new Srv("c", 3, 1);
        Balancer<Srv> bal = Balancer.of(new Balance(Algorithm.LEASTCONN, 2), List.of(a, b, c));

        a.load = 2;
        b.load = 1;
        c.load = 5;
        assertThat(bal.pick(0, ANY)).isSameAs(b);

        a.load = 0;
        b.load = 0;
        c.load = 0;
        Set<String> tiePicks = Set.copyOf(picks(bal, 3));
        assertThat(tiePicks).containsExactlyInAnyOrder("a", "b", "c");
    }

    @Test
    void leastconnWeighsLoadByWeight() {
        Srv heavy = new Srv("heavy", 1, 4);
        Srv light = new Srv("light", 2, 1);
        heavy.load = 3;
        light.load = 1;
        Balancer<Srv> bal = Balancer.of(new Balance(Algorithm.LEASTCONN, 2), List.of(heavy, light));

        assertThat(bal.pick(0, ANY)).isSameAs(heavy);
    }

    @Test
    void firstFillsTheLowestIdBeforeTheNext() {
        Srv a = new Srv("a", 1, 1);
        Srv b = new Srv("b", 2, 1);
        Balancer<Srv> bal = Balancer.of(new Balance(Algorithm.FIRST, 2), List.of(b, a));

        assertThat(bal.pick(0, ANY)).isSameAs(a);
        assertThat(bal.pick(0, ANY)).isSameAs(a);
        assertThat(bal.pick(0, s -> s != a)).isSameAs(b);
    }

    @Test
    void sourceSendsTheSameClientToTheSameServer() {
        List<Srv> servers = List.of(new Srv("a", 1, 1), new Srv("b", 2, 1), new Srv("c", 3, 1));
        Balancer<Srv> bal = Balancer.of(new Balance(Algorithm.SOURCE, 2), servers);

        Map<Integer, Srv> first = new HashMap<>();
        for (int client = 0; client < 50; client++) {
            first.put(client, bal.pick(client, ANY));
        }
        for (int client = 0; client < 50; client++) {
            assertThat(bal.pick(client, ANY)).isSameAs(first.get(client));
        }
        assertThat(Set.copyOf(first.values())).hasSize(3);
    }

    @Test
    void sourceMovesToAnotherServerWhenItsOwnIsFull() {
        List<Srv> servers = List.of(new Srv("a", 1, 1), new Srv("b", 2, 1));
        Balancer<Srv> bal = Balancer.of(new Balance(Algorithm.SOURCE, 2), servers);
        Srv own = bal.pick(42, ANY);

        assertThat(bal.pick(42, s -> s != own)).isNotNull().isNotSameAs(own);
    }

    @Test
    void randomPrefersTheLessLoadedOfItsDraws() {
        Srv busy = new Srv("busy", 1, 1);
        Srv idle = new Srv("idle", 2, 1);
        busy.load = 100;
        Balancer<Srv> bal = Balancer.of(new Balance(Algorithm.RANDOM, 2), List.of(busy, idle));

        long idlePicks = IntStream.range(0, 1000).filter(i -> bal.pick(0, ANY) == idle).count();

        // with two draws, "busy" wins only when both draws are busy: about 1 in 4
        assertThat(idlePicks).isGreaterThan(650);
    }

    @Test
    void randomFindsTheOnlyFreeServerEvenWhenTheDrawsMissIt() {
        List<Srv> servers = IntStream.rangeClosed(1, 10).mapToObj(i -> new Srv("s" + i, i, 1)).toList();
        Srv free = servers.get(7);
        Balancer<Srv> bal = Balancer.of(new Balance(Algorithm.RANDOM, 1), servers);

        for (int i = 0; i < 100; i++) {
            assertThat(bal.pick(0, s -> s == free)).isSameAs(free);
        }
    }

    @Test
    void anEmptyListPicksNothing() {
        for (Algorithm a : Algorithm.values()) {
            assertThat(Balancer.<Srv>of(new Balance(a, 2), List.of()).pick(1, ANY)).as(a.keyword()).isNull();
        }
    }
}
