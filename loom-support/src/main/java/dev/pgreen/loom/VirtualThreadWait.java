package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.PollState;
import dev.pgreen.PollingWait;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.wait.SelectWait;

import java.lang.invoke.MethodHandles;
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
            YIELDS.get()[0] = 0;
            super.await(conn);
        } else {
            platformWait.await(conn);
        }
    }

    /**
     * Per thread, for the operation in progress: the yields in a row so far, and how long the last one
     * took. Reset by each {@link #await}.
     */
    private static final ThreadLocal<long[]> YIELDS = ThreadLocal.withInitial(() -> new long[2]);

    @Override
    protected void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout) {
        long[] yields = YIELDS.get();
        if (state == PollState.READ && YIELD_FIRST && (yields[0] == 0
                || (yields[0] < MAX_YIELDS && yields[1] >= BUSY_YIELD_NANOS))) {
            // The reply often lands while the other virtual threads run: a yield, then a re-poll, saves the
            // hand-off through the poller thread (two context switches) for those waits. Yield again only
            // while yielding let others run (it took a while): on an idle scheduler it returns at once, and
            // polling again at once would only spin. (W3, 10,000 virtual threads on 16 connections: one yield
            // per operation 46k q/s, up to 16 while busy 50k, about HikariCP + pgjdbc's figure in the same run.)
            yields[0]++;
            long start = System.nanoTime();
            Thread.yield();
            yields[1] = System.nanoTime() - start;
            return;
        }
        yields[0] = 0;
        ChannelPoller.get().await(channel, interestOps(channel, state), toNanos(timeout));
    }

    static {
        // The park path's classes load with this one (on the thread that installs the callback), not on a
        // virtual thread's first park: loading a class there pins its carrier (a jdk.VirtualThreadPinned event).
        try {
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            lookup.ensureInitialized(ChannelPoller.class);
            lookup.ensureInitialized(ChannelPoller.Waiter.class);
        } catch (IllegalAccessException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    /** Yields in a row at most before parking with the poller. */
    private static final int MAX_YIELDS = Integer.getInteger("pgreen.loom.maxYields", 16);
    /** A yield that took this long ran other threads. */
    private static final long BUSY_YIELD_NANOS = Long.getLong("pgreen.loom.busyYieldNanos", 1_500);
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
