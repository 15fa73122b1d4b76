package dev.pointsman.cluster;

import dev.pointsman.check.PatroniStatus;
import dev.pointsman.net.Cancellable;
import dev.pointsman.net.Scheduler;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Keeps one backend's {@link ClusterView} fresh. A round asks, one request after the other (so
 * never more than one in flight, to any node): {@code GET /cluster} from the current target
 * (rotating to the next on any failure, each target at most once per round), then
 * {@code GET /patroni} from the member the DCS names as leader, then, for a time {@code max-lag},
 * each replica's {@code /patroni}, and in any case that of each member listed on a timeline below
 * the leader's (the old leader after a failover: did it write past the fork?), then
 * {@code GET /history} when the timeline moved, again while it does not yet say where the
 * leader's previous timeline ended (for at most {@link #HISTORY_WINDOW} per timeline). The next
 * round starts {@code interval} after one ends, {@link #HURRY_INTERVAL} while hurried, or the calm
 * interval while the etcd watch of the leader key is established and nothing happens
 * ({@link PollPace}). While the watch is established a view stays usable for three calm intervals
 * (else three intervals).
 *
 * <p>Everything runs on the scheduler's thread.
 */
final class Poller {
    static final Duration HURRY_INTERVAL = Duration.ofMillis(150);
    static final Duration MAX_HURRY = Duration.ofSeconds(60);
    /** How long the poller hurries itself after it saw a role change. */
    static final Duration HURRY_AFTER_CHANGE = Duration.ofSeconds(5);
    static final int MAX_TARGETS = 32;
    /**
     * How long one timeline's /history is asked again (from the first ask) while it lacks the
     * previous timeline's end: time, not tries, since a hurried poller asks every 150 ms and Patroni
     * writes the history at its next HA cycle ({@code loop_wait}, 10 s by default).
     */
    static final Duration HISTORY_WINDOW = Duration.ofSeconds(60);
    /** The leader's error when /cluster gives it no api_url: it cannot be asked. */
    static final String NO_API_URL = "no api_url";

    /** Where views go; called on the scheduler's thread. */
    interface Publisher {
        /** A view that changed something (or the first one). */
        void publish(ClusterView view, ViewChange change);

        /** Every view a successful poll built, changed or not, before {@link #publish}. */
        default void polled(ClusterView view) {}
    }

    private final Scheduler scheduler;
    private final HttpClient client;
    private final boolean askReplicas;
    private final PollPace pace;
    /** The limits of views built while the etcd watch is established: stale after three calm intervals. */
    private final ClusterView.Limits calmLimits;
    private final Publisher publisher;
    private final ViewLog log;
    private final List<HttpClient.Endpoint> targets = new ArrayList<>();
    private ViewBuilder.Context ctx;

    private boolean closed;
    private boolean running;
    private long generation;
    private long roundStartNanos;
    private long lastSuccessNanos;
    private PollPace.Kind lastKind = PollPace.Kind.NORMAL;
    private int next;
    private int tried;
    private Cancellable inFlight = Cancellable.NONE;
    private Cancellable timer = Cancellable.NONE;
    private Cancellable staleTimer = Cancellable.NONE;
    private ClusterView current;
    private Long historyTimeline;
    private Long historyAskedFor;
    /** When {@link #historyAskedFor}'s /history was first asked, on the scheduler's clock. */
    private long historyFirstAskedNanos;
    private final List<String> failures = new ArrayList<>();
    // the round in progress
    private HttpClient.Endpoint source;
    private Answers.ClusterAnswer cluster;
    private PatroniStatus leaderStatus;
    private String leaderError;
    private final Map<String, PatroniStatus> replicas = new HashMap<>();
    private final Deque<Member> replicaQueue = new ArrayDeque<>();

    Poller(Scheduler scheduler, HttpClient client, ViewBuilder.Context ctx, List<HttpClient.Endpoint> targets,
           Duration interval, boolean askReplicas, Publisher publisher) {
        this(scheduler, client, ctx, targets, interval, interval, askReplicas, publisher);
    }

    /** @param calm the poll interval while the etcd watch is established and nothing happens ({@link PollPace}) */
    Poller(Scheduler scheduler, HttpClient client, ViewBuilder.Context ctx, List<HttpClient.Endpoint> targets,
           Duration interval, Duration calm, boolean askReplicas, Publisher publisher) {
        this.scheduler = scheduler;
        this.client = client;
        this.ctx = ctx;
        this.pace = new PollPace(interval, calm, scheduler.nanoTime());
        ClusterView.Limits l = ctx.limits();
        long calmMillis = Math.max(interval.toMillis(), calm.toMillis());
        this.calmLimits = new ClusterView.Limits(calmMillis,
                Math.max(l.staleAfterMillis(), calmMillis * ClusterSource.STALE_INTERVALS), l.maxLagBytes(),
                l.maxLagMillis(), l.lagGraceMillis());
        this.askReplicas = askReplicas;
        this.publisher = publisher;
        this.log = new ViewLog(ctx.backend());
        targets.forEach(this::learn);
    }

    void start() {
        scheduler.execute(this::round);
    }

    /** Polls every {@link #HURRY_INTERVAL} for {@code window} (at most {@link #MAX_HURRY}), starting now. */
    void hurry(Duration window) {
        scheduler.execute(() -> {
            if (closed) {
                return;
            }
            pace.hurry(scheduler.nanoTime(), window.compareTo(MAX_HURRY) < 0 ? window : MAX_HURRY);
            roundSoon();
        });
    }

    /**
     * The etcd watch of the leader key is established, or down. Established (and nothing
     * happening), polls slow to the calm pace; down, they hurry for {@link #HURRY_AFTER_CHANGE} (a
     * move of the key may have gone unannounced), and the view is stale again after three normal
     * intervals without an answer.
     */
    void watch(boolean established) {
        scheduler.execute(() -> {
            if (closed || established == pace.watched()) {
                return;
            }
            pace.watch(established, scheduler.nanoTime(), HURRY_AFTER_CHANGE);
            if (!established) {
                roundSoon();
                if (current != null && !current.stale()) {
                    staleTimer.cancel();
                    long left = ctx.limits().staleAfterMillis()
                            - Duration.ofNanos(scheduler.nanoTime() - lastSuccessNanos).toMillis();
                    staleTimer = scheduler.schedule(this::markStaleIfDue, Duration.ofMillis(Math.max(0, left)));
                }
            }
        });
    }

    /** The next round {@link #HURRY_INTERVAL} after the last one started (now, if longer ago), unless one runs. */
    private void roundSoon() {
        if (!running) {
            timer.cancel();
            long sinceStart = scheduler.nanoTime() - roundStartNanos;
            timer = scheduler.schedule(this::round,
                    Duration.ofNanos(Math.max(0, HURRY_INTERVAL.toNanos() - sinceStart)));
        }
    }

    /** A problem found outside polls (a server answering for another scope): the view stays unused for routing. */
    void addProblem(String problem) {
        scheduler.execute(() -> {
            List<String> problems = new ArrayList<>(ctx.problems());
            problems.add(problem);
            ctx = new ViewBuilder.Context(ctx.backend(), ctx.servers(), ctx.limits(), ctx.scope(), problems);
        });
    }

    void close() {
        scheduler.execute(() -> {
            closed = true;
            generation++;
            inFlight.cancel();
            timer.cancel();
            staleTimer.cancel();
        });
    }

    private void round() {
        if (closed || running) {
            return;
        }
        running = true;
        roundStartNanos = scheduler.nanoTime();
        tried = 0;
        failures.clear();
        cluster = null;
        leaderStatus = null;
        leaderError = null;
        replicas.clear();
        replicaQueue.clear();
        askCluster();
    }

    private void askCluster() {
        HttpClient.Endpoint target = targets.get(next % targets.size());
        request(target, "/cluster", r -> {
            String problem = clusterProblem(r);
            if (problem == null) {
                source = target;
                askLeader();
                return;
            }
            failures.add(target + ": " + problem);
            next = (next + 1) % targets.size();
            if (++tried < targets.size()) {
                askCluster();
            } else {
                roundFailed();
            }
        });
    }

    /** Null when {@code r} is a usable /cluster answer (then stored), else why not. */
    private String clusterProblem(HttpClient.Result r) {
        if (r instanceof HttpClient.Failure f) {
            return f.reason();
        }
        HttpClient.Answer a = (HttpClient.Answer) r;
        if (a.status() != 200) {
            return "status " + a.status();
        }
        try {
            cluster = Answers.cluster(a.body());
        } catch (Answers.BadAnswer e) {
            return e.getMessage();
        }
        cluster.members().forEach(m -> learn(HttpClient.Endpoint.ofUrl(m.apiUrl())));
        return null;
    }

    private void askLeader() {
        List<Member> leaders = cluster.members().stream().filter(Member::leaderRole).toList();
        HttpClient.Endpoint api = leaders.size() == 1 ? HttpClient.Endpoint.ofUrl(leaders.get(0).apiUrl()) : null;
        if (api == null) {
            leaderError = leaders.size() == 1 ? NO_API_URL : null;
            queueReplicas();
            return;
        }
        request(api, "/patroni", r -> {
            if (r instanceof HttpClient.Answer a) {
                leaderStatus = PatroniStatus.parse(a.body()).orElse(null);
                leaderError = leaderStatus == null ? "/patroni answer is not JSON" : null;
            } else {
                leaderError = ((HttpClient.Failure) r).reason();
            }
            queueReplicas();
        });
    }

    private void queueReplicas() {
        Long timeline = leaderTimeline();
        cluster.members().stream().filter(m -> !m.leaderRole() && m.apiUrl() != null)
                .filter(m -> askReplicas || timeline != null && m.timeline() != null && m.timeline() < timeline)
                .forEach(replicaQueue::add);
        askReplicas();
    }

    /** The leader's timeline: the higher of its /cluster entry's and its own /patroni's; null when neither says. */
    private Long leaderTimeline() {
        Long listed = cluster.members().stream().filter(Member::leaderRole).map(Member::timeline)
                .filter(Objects::nonNull).findFirst().orElse(null);
        Long own = leaderStatus != null && leaderStatus.timeline().isPresent() ? leaderStatus.timeline().getAsLong()
                : null;
        return listed == null ? own : own == null ? listed : Long.valueOf(Math.max(listed, own));
    }

    private void askReplicas() {
        Member m = replicaQueue.poll();
        HttpClient.Endpoint api = m == null ? null : HttpClient.Endpoint.ofUrl(m.apiUrl());
        if (m == null) {
            askHistory();
        } else if (api == null) {
            askReplicas();
        } else {
            request(api, "/patroni", r -> {
                if (r instanceof HttpClient.Answer a) {
                    PatroniStatus.parse(a.body()).ifPresent(s -> replicas.put(m.name(), s));
                }
                askReplicas();
            });
        }
    }

    private void askHistory() {
        Long timeline = leaderTimeline();
        if (timeline == null || timeline.equals(historyTimeline)
                || timeline.equals(historyAskedFor)
                        && scheduler.nanoTime() - historyFirstAskedNanos >= HISTORY_WINDOW.toNanos()) {
            finish(null);
            return;
        }
        if (!timeline.equals(historyAskedFor)) {
            historyAskedFor = timeline;
            historyFirstAskedNanos = scheduler.nanoTime();
        }
        request(source, "/history", r -> {
            List<ClusterView.HistoryEntry> history = null;
            if (r instanceof HttpClient.Answer a && a.status() == 200) {
                try {
                    history = Answers.history(a.body());
                    if (timeline <= 1 || history.stream().anyMatch(e -> e.timeline() == timeline - 1)) {
                        historyTimeline = timeline; // complete: Patroni wrote where the previous timeline ended
                    }
                } catch (Answers.BadAnswer e) {
                    log.historyFailed(source, e.getMessage());
                }
            }
            finish(history);
        });
    }

    private void finish(List<ClusterView.HistoryEntry> history) {
        ViewBuilder.Poll poll = new ViewBuilder.Poll("http://" + source, cluster, leaderStatus, leaderError,
                Map.copyOf(replicas), history);
        ViewBuilder.Context built = pace.watched() ? new ViewBuilder.Context(ctx.backend(), ctx.servers(), calmLimits,
                ctx.scope(), ctx.problems()) : ctx;
        ClusterView view = ViewBuilder.build(built, current, poll, scheduler.epochMillis());
        if (ctx.scope() == null && view.scope() != null) {
            ctx = new ViewBuilder.Context(ctx.backend(), ctx.servers(), ctx.limits(), view.scope(), ctx.problems());
        }
        ViewChange change = ViewBuilder.diff(current, view);
        boolean first = current == null;
        current = view;
        lastSuccessNanos = scheduler.nanoTime();
        log.polled(view);
        publisher.polled(view);
        staleTimer.cancel();
        staleTimer = scheduler.schedule(this::markStaleIfDue, Duration.ofMillis(view.limits().staleAfterMillis()));
        if (first || change.any()) {
            publisher.publish(view, change);
        }
        if (!first && change.roles()) {
            hurryFromLoop(HURRY_AFTER_CHANGE);
        }
        scheduleNext();
    }

    private void roundFailed() {
        log.pollFailed(failures);
        markStaleIfDue();
        scheduleNext();
    }

    private void markStaleIfDue() {
        if (closed || current == null || current.stale()) {
            return;
        }
        long limit = pace.watched() ? current.limits().staleAfterMillis()
                : Math.min(current.limits().staleAfterMillis(), ctx.limits().staleAfterMillis());
        if (scheduler.nanoTime() - lastSuccessNanos >= Duration.ofMillis(limit).toNanos()) {
            ClusterView before = current;
            current = current.withStale(true);
            log.stale(current);
            publisher.publish(current, ViewBuilder.diff(before, current));
        }
    }

    private void hurryFromLoop(Duration window) {
        pace.hurry(scheduler.nanoTime(), window);
    }

    private void scheduleNext() {
        running = false;
        PollPace.Kind kind = pace.kind(scheduler.nanoTime(), leaderless());
        if ((kind == PollPace.Kind.CALM) != (lastKind == PollPace.Kind.CALM)) {
            log.calm(kind == PollPace.Kind.CALM, pace.delay(kind));
        }
        lastKind = kind;
        timer = scheduler.schedule(this::round, pace.delay(kind));
    }

    /**
     * No confirmed, running leader in the current view (no leader key, or the leader's own
     * /patroni unanswered or not running): poll at the hurried pace until there is one, so that a
     * promotion after a crash is seen within a fraction of a second, not up to a whole interval
     * later. Costs a few small requests per second, only while the cluster has no primary.
     */
    private boolean leaderless() {
        return current != null && !current.stale() && current.problem() == null
                && (current.leader() == null || current.leaderStatus() == null || !current.leaderStatus().confirmed());
    }

    private void request(HttpClient.Endpoint target, String path, Consumer<HttpClient.Result> then) {
        long gen = generation;
        inFlight = client.get(target, path, r -> scheduler.execute(() -> {
            if (!closed && gen == generation) {
                inFlight = Cancellable.NONE;
                then.accept(r);
            }
        }));
    }

    private void learn(HttpClient.Endpoint endpoint) {
        if (endpoint != null && !targets.contains(endpoint) && targets.size() < MAX_TARGETS) {
            targets.add(endpoint);
        }
    }
}
