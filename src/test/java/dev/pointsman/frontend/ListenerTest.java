package dev.pointsman.frontend;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The one place that turns a listener's autoRead on or off: maxconn and the accept error back-off together. */
class ListenerTest {
    private final EmbeddedChannel channel = new EmbeddedChannel();
    private final AtomicBoolean admits = new AtomicBoolean(true);
    private final Listener listener = new Listener(channel, admits::get);

    ListenerTest() {
        channel.freezeTime();
    }

    @AfterEach
    void close() {
        channel.finishAndReleaseAll();
    }

    private boolean autoRead() {
        return channel.config().isAutoRead();
    }

    private void advanceMillis(long millis) {
        channel.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        channel.runScheduledPendingTasks();
    }

    @Test
    void anAcceptErrorStopsAcceptingForAHundredMillisecondsThenAcceptsAgain() {
        // When an accept fails (EMFILE)
        listener.acceptFailed();
        // Then the listener does not accept until the back-off has passed, and then does by itself
        assertThat(autoRead()).isFalse();
        advanceMillis(99);
        assertThat(autoRead()).isFalse();
        advanceMillis(1);
        assertThat(autoRead()).isTrue();
    }

    @Test
    void aSessionEndingDuringTheBackOffDoesNotCutItShort() {
        // Given a listener at maxconn whose accept failed
        admits.set(false);
        listener.wake();
        listener.acceptFailed();
        // When a session ends during the back-off
        admits.set(true);
        listener.wake();
        // Then it still waits for the back-off, then accepts
        assertThat(autoRead()).isFalse();
        advanceMillis(100);
        assertThat(autoRead()).isTrue();
    }

    @Test
    void theBackOffEndingAtMaxconnLeavesTheListenerPausedUntilASessionEnds() {
        // Given a back-off after an accept error
        listener.acceptFailed();
        // When the frontend reaches maxconn before the back-off ends
        admits.set(false);
        listener.wake();
        advanceMillis(100);
        // Then the end of the back-off does not reopen it (Netty's own back-off would have)
        assertThat(autoRead()).isFalse();
        admits.set(true);
        listener.wake();
        assertThat(autoRead()).isTrue();
    }

    @Test
    void anotherErrorDuringTheBackOffExtendsIt() {
        listener.acceptFailed();
        advanceMillis(60);
        listener.acceptFailed();
        advanceMillis(60);
        assertThat(autoRead()).isFalse();
        advanceMillis(40);
        assertThat(autoRead()).isTrue();
    }

    @Test
    void atMaxconnTheListenerPausesAndBelowItResumes() {
        admits.set(false);
        listener.wake();
        assertThat(autoRead()).isFalse();
        admits.set(true);
        listener.wake();
        assertThat(autoRead()).isTrue();
    }

    @Test
    void aConnectionAcceptedWhenNoSlotIsLeftWaitsUnreadAndGoesOnOnceOneFrees() {
        // Given a socket whose frontend took its last slot on another socket a moment ago
        AtomicBoolean slot = new AtomicBoolean(false);
        Listener counted = new Listener(channel, admits::get, slot::get);
        List<Channel> handedOn = new ArrayList<>();
        counted.handOn(handedOn::add);
        EmbeddedChannel child = new EmbeddedChannel();
        // When it accepts a connection
        boolean goesOn = counted.take(child);
        // Then the connection waits, uncounted and unread, and the socket stops accepting
        assertThat(goesOn).isFalse();
        assertThat(counted.waiting()).isEqualTo(1);
        assertThat(handedOn).isEmpty();
        assertThat(autoRead()).isFalse();
        // And when a slot frees, it goes on first, then the socket accepts again
        slot.set(true);
        counted.wake();
        assertThat(handedOn).containsExactly(child);
        assertThat(counted.waiting()).isZero();
        assertThat(autoRead()).isTrue();
        child.finishAndReleaseAll();
    }

    @Test
    void aConnectionWaitingForASlotIsClosedWithItsSocket() {
        Listener counted = new Listener(channel, admits::get, () -> false);
        EmbeddedChannel child = new EmbeddedChannel();
        counted.take(child);
        // When the socket closes (a reload dropped its address, or a stop)
        channel.close();
        // Then the waiting connection is closed too
        assertThat(child.isOpen()).isFalse();
        assertThat(counted.waiting()).isZero();
    }
}
