package dev.pointsman.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Who holds Patroni's leader key ({@code /service/pointsman/leader} in etcd) over time: read every
 * {@link #INTERVAL} through etcd's JSON gateway ({@code POST /v3/kv/range}), asking the next member
 * when one does not answer. Only changes are kept. While no member answers (etcd stopped) the
 * holder is unknown; nobody can change the key then, so the last known holder stands for it.
 *
 * <p>The poller thread alone appends to the timeline; readers take a copy under its lock.
 */
final class LeaderKey implements AutoCloseable {
    static final String KEY = "/service/pointsman/leader";
    static final Duration INTERVAL = Duration.ofMillis(50);
    static final Duration MAX_RUN = Duration.ofMinutes(10);
    private static final List<String> ENDPOINTS = List.of("127.0.0.21", "127.0.0.22", "127.0.0.23");

    /** From {@code nanos} on: {@code holder} (null: no key), or not {@code known} (no etcd member answered). */
    record Sample(long nanos, String holder, boolean known) {}

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofMillis(300)).build();
    private final ObjectMapper json = new ObjectMapper();
    private final String body = "{\"key\":\"" + Base64.getEncoder().encodeToString(KEY.getBytes(StandardCharsets.UTF_8)) + "\"}";
    private final List<Sample> timeline = new ArrayList<>();
    private final Thread thread;
    private volatile boolean stopping;
    private int preferred;

    private LeaderKey() {
        thread = new Thread(this::loop, "leader-key");
        thread.setDaemon(true);
    }

    /** Starts polling; returns once the first answer (or the first round without one) is recorded. */
    static LeaderKey start() {
        LeaderKey key = new LeaderKey();
        key.thread.start();
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (key.timeline().isEmpty() && System.nanoTime() < deadline) {
            LockSupport.parkNanos(INTERVAL.toNanos());
        }
        return key;
    }

    List<Sample> timeline() {
        synchronized (timeline) {
            return List.copyOf(timeline);
        }
    }

    /** The holder at {@code nanos}: the last known one at or before it (empty: no key, or nothing known yet). */
    Optional<String> holderAt(long nanos) {
        String holder = null;
        for (Sample s : timeline()) {
            if (s.nanos() > nanos) {
                break;
            }
            if (s.known()) {
                holder = s.holder();
            }
        }
        return Optional.ofNullable(holder);
    }

    /**
     * Whether {@code node} held the key at some moment of [from − INTERVAL, to + INTERVAL]: the
     * poll's resolution is given to the write's benefit.
     */
    boolean heldDuring(String node, long from, long to) {
        long a = from - INTERVAL.toNanos();
        long b = to + INTERVAL.toNanos();
        if (holderAt(a).filter(node::equals).isPresent()) {
            return true;
        }
        return timeline().stream().anyMatch(s -> s.known() && s.nanos() > a && s.nanos() <= b && node.equals(s.holder()));
    }

    /** The first moment at or after {@code after} at which a node other than {@code node} held the key. */
    OptionalLong otherHolderSince(String node, long after) {
        if (holderAt(after).filter(h -> !h.equals(node)).isPresent()) {
            return OptionalLong.of(after);
        }
        return timeline().stream().filter(s -> s.nanos() >= after && s.known() && s.holder() != null
                && !s.holder().equals(node)).mapToLong(Sample::nanos).findFirst();
    }

    /** The changes since {@code from}, as "+S.SS s HOLDER" relative to {@code zero}, for reports. */
    List<String> changes(long from, long zero) {
        return timeline().stream().filter(s -> s.nanos() >= from)
                .map(s -> String.format("%+.2f s %s", (s.nanos() - zero) / 1e9,
                        !s.known() ? "(etcd unreachable)" : s.holder() == null ? "(no key)" : s.holder()))
                .toList();
    }

    @Override
    public void close() {
        stopping = true;
        try {
            thread.join(2_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void loop() {
        long deadline = System.nanoTime() + MAX_RUN.toNanos();
        Sample last = null;
        while (!stopping && System.nanoTime() < deadline) {
            long t = System.nanoTime();
            Sample s = read(t);
            if (last == null || last.known() != s.known() || !Objects.equals(last.holder(), s.holder())) {
                synchronized (timeline) {
                    timeline.add(s);
                }
                last = s;
            }
            long wait = t + INTERVAL.toNanos() - System.nanoTime();
            if (wait > 0) {
                LockSupport.parkNanos(wait);
            }
        }
    }

    private Sample read(long nanos) {
        for (int i = 0; i < ENDPOINTS.size(); i++) {
            int at = (preferred + i) % ENDPOINTS.size();
            try {
                HttpRequest req = HttpRequest.newBuilder(URI.create("http://" + ENDPOINTS.get(at) + ":2379/v3/kv/range"))
                        .timeout(Duration.ofMillis(500)).POST(HttpRequest.BodyPublishers.ofString(body)).build();
                HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() != 200) {
                    continue;
                }
                JsonNode kvs = json.readTree(r.body()).path("kvs");
                preferred = at;
                String holder = kvs.isArray() && kvs.size() > 0
                        ? new String(Base64.getDecoder().decode(kvs.get(0).path("value").asText()), StandardCharsets.UTF_8)
                        : null;
                return new Sample(nanos, holder, true);
            } catch (IOException e) {
                // the next member
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return new Sample(nanos, null, false);
    }
}
