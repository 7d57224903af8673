package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.PollState;
import dev.pgreen.PollingWait;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.wait.SelectWait;

import java.nio.channels.SelectableChannel;
import java.time.Duration;

/**
 * The wait callback for virtual threads: a waiting virtual thread parks until
 * its connection's channel is ready, so it releases its carrier thread instead
 * of blocking it, and holds no monitor while parked. Ordinary blocking pgreen
 * code runs on virtual threads unchanged once this is installed
 * ({@link Loom#install()} or {@link Loom#install(Connection)}).
 *
 * <p>The readiness of every waiting channel is watched by one shared poller (a
 * platform daemon thread owning a {@code Selector}); {@code loom-support/README.md}
 * says why this, and not a {@code Selector} per thread nor the JDK's own poller,
 * and what it costs per wait.
 *
 * <p>On a platform thread it is a {@link SelectWait}: the connection's own
 * selector is the cheaper wait there, and blocking is what platform threads are for.
 *
 * <p>Interrupts and timeouts follow {@link PollingWait}: an interrupted thread
 * sends a cancel request, keeps polling until the server has answered (so the
 * stream is never left half-read), and gets {@code QueryCanceledException} with
 * its interrupt flag restored and its connection usable. Parking never touches
 * the channel, and the driver keeps the interrupt flag away from its own channel
 * I/O, so an interrupt never closes the socket.
 */
public class VirtualThreadWait extends PollingWait {
    private final SelectWait platformWait = new SelectWait();
    private final boolean parkAnyThread;

    /**
     * The wait; {@link Loom#waitCallback()} is a shared one, and one is all a program needs (it keeps no
     * state per connection).
     */
    public VirtualThreadWait() {
        this(false);
    }

    /** With {@code parkAnyThread}, platform threads park with the poller too (tests drive the poller this way). */
    VirtualThreadWait(boolean parkAnyThread) {
        this.parkAnyThread = parkAnyThread;
    }

    @Override
    public void await(Connection conn) {
        if (parkAnyThread || Thread.currentThread().isVirtual()) {
            super.await(conn);
        } else {
            platformWait.await(conn);
        }
    }

    /** Whether this thread's last wait was a yield: the next one parks with the poller. */
    private static final ThreadLocal<boolean[]> YIELDED = ThreadLocal.withInitial(() -> new boolean[1]);

    @Override
    protected void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout) {
        boolean[] yielded = YIELDED.get();
        if (state == PollState.READ && !yielded[0] && YIELD_FIRST) {
            // The reply often lands while the other virtual threads run: one yield, then a re-poll, saves the
            // hand-off through the poller thread (two context switches) for those waits.
            yielded[0] = true;
            Thread.yield();
            return;
        }
        yielded[0] = false;
        ChannelPoller.get().await(channel, interestOps(channel, state), toNanos(timeout));
    }

    private static final boolean YIELD_FIRST = !Boolean.getBoolean("pgreen.loom.noYield");

    /**
     * Drives {@code conn} as {@link #await} does on a virtual thread, on any thread,
     * but fails with an {@link OperationalException} naming {@code what} once
     * {@code deadlineNanos} (a {@link System#nanoTime()} value) has passed, which
     * closes the connection. The pool bounds its own statements with it.
     */
    static void awaitUntil(Connection conn, long deadlineNanos, String what) {
        new PollingWait() {
            @Override
            protected void waitFor(Connection c, SelectableChannel channel, PollState state, Duration timeout) {
                long left = deadlineNanos - System.nanoTime();
                if (left <= 0) {
                    throw new OperationalException(what + " timed out");
                }
                long nanos = toNanos(timeout);
                ChannelPoller.get().await(channel, interestOps(channel, state), nanos < 0 ? left : Math.min(nanos, left));
            }
        }.await(conn);
    }

    /** Nanoseconds, or -1 for no limit. */
    static long toNanos(Duration timeout) {
        if (timeout == null) {
            return -1;
        }
        try {
            return Math.max(0, timeout.toNanos());
        } catch (ArithmeticException e) {
            return -1;
        }
    }

    @Override
    public String toString() {
        return parkAnyThread ? "VirtualThreadWait(park any thread)" : "VirtualThreadWait";
    }
}
