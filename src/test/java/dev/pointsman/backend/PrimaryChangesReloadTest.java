package dev.pointsman.backend;

import static dev.pointsman.testing.Configs.listen;
import static dev.pointsman.testing.Configs.server;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The switchover report across a reload that removes or replaces the primary. */
class PrimaryChangesReloadTest {
    private static final InetSocketAddress NOWHERE = new InetSocketAddress("127.0.0.1", 9);
    private final EmbeddedChannel loop = new EmbeddedChannel();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);

    @Test
    void aChangeAfterAReloadThatRemovedThePrimaryIsReported() {
        loop.freezeTime();
        Backend backend = new Backend(listen("primary").server(server("pg-1", NOWHERE).check())
                .server(server("pg-2", NOWHERE).check()).server(server("pg-3", NOWHERE).check()).build(),
                nanos::get, loop.eventLoop());
        backend.primaryChanges().track();
        backend.setOpState(backend.server("pg-1").orElseThrow(), Server.OpState.UP);
        loop.runPendingTasks();
        // a reload replaces pg-1 (e.g. its inter changed) and the other two
        backend.reconfigure(backend.config(), Set.of("pg-1", "pg-2", "pg-3"));
        loop.runPendingTasks();
        Server pg1 = backend.server("pg-1").orElseThrow();
        Server pg2 = backend.server("pg-2").orElseThrow();
        backend.setOpState(pg1, Server.OpState.UP);
        loop.runPendingTasks();
        // a switchover: pg-1 down, pg-2 up
        backend.setOpState(pg1, Server.OpState.DOWN);
        backend.setOpState(pg2, Server.OpState.UP);
        loop.runPendingTasks();
        assertThat(backend.primaryChanges().total()).as("changes seen").isEqualTo(1);
    }

    @Test
    void aReloadThatRemovesThePrimaryOpensAGapThatTheNextUsableServerCloses() {
        loop.freezeTime();
        Backend backend = new Backend(listen("primary").server(server("pg-1", NOWHERE).check())
                .server(server("pg-2", NOWHERE).check()).build(), nanos::get, loop.eventLoop());
        backend.primaryChanges().track();
        backend.setOpState(backend.server("pg-1").orElseThrow(), Server.OpState.UP);
        loop.runPendingTasks();
        backend.reconfigure(listen("primary").server(server("pg-2", NOWHERE).check()).build(), Set.of());
        loop.runPendingTasks();
        assertThat(backend.primaryChanges().total()).as("no primary yet: a gap, no change").isZero();
        backend.setOpState(backend.server("pg-2").orElseThrow(), Server.OpState.UP);
        loop.runPendingTasks();
        assertThat(backend.primaryChanges().last()).satisfies(c -> {
            assertThat(c.from()).isEqualTo("pg-1");
            assertThat(c.to()).isEqualTo("pg-2");
            assertThat(c.learnt()).isEqualTo("reload");
        });
    }

    @Test
    void aReplacedPrimaryUsableAgainBeforeAnyOtherIsNoChange() {
        loop.freezeTime();
        Backend backend = new Backend(listen("primary").server(server("pg-1", NOWHERE).check())
                .server(server("pg-2", NOWHERE).check()).build(), nanos::get, loop.eventLoop());
        backend.primaryChanges().track();
        backend.setOpState(backend.server("pg-1").orElseThrow(), Server.OpState.UP);
        loop.runPendingTasks();
        backend.reconfigure(backend.config(), Set.of("pg-1"));
        loop.runPendingTasks();
        backend.setOpState(backend.server("pg-1").orElseThrow(), Server.OpState.UP);
        backend.setOpState(backend.server("pg-2").orElseThrow(), Server.OpState.UP);
        loop.runPendingTasks();
        assertThat(backend.primaryChanges().total()).isZero();
        backend.setOpState(backend.server("pg-1").orElseThrow(), Server.OpState.DOWN);
        loop.runPendingTasks();
        assertThat(backend.primaryChanges().last().to()).as("the new pg-1 is followed").isEqualTo("pg-2");
    }

    @Test
    void anUntrackedBackendSeesNoChange() {
        loop.freezeTime();
        Backend backend = new Backend(listen("primary").server(server("pg-1", NOWHERE).check())
                .server(server("pg-2", NOWHERE).check()).build(), nanos::get, loop.eventLoop());
        backend.primaryChanges().track();
        backend.setOpState(backend.server("pg-1").orElseThrow(), Server.OpState.UP);
        loop.runPendingTasks();
        backend.primaryChanges().untrack();
        backend.setOpState(backend.server("pg-1").orElseThrow(), Server.OpState.DOWN);
        backend.setOpState(backend.server("pg-2").orElseThrow(), Server.OpState.UP);
        loop.runPendingTasks();
        assertThat(backend.primaryChanges().tracked()).isFalse();
        assertThat(backend.primaryChanges().total()).isZero();
    }
}
