package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.PollState;
import dev.pgreen.WaitCallback;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.wait.SelectWait;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.time.Duration;

/**
 * The wait callback for virtual threads: a waiting virtual thread parks until
 * its connection's channel is ready, so it releases its carrier thread instead
 * of blocking it, and holds no monitor while parked. Ordinary blocking pgreen
 * code runs on virtual threads unchanged once this is installed
 * ({@link Loom#install()} or {@link Loom#install(Connection)}).
 *
 * <p>The readiness of all waiting channels is watched by one shared poller (a
 * platform daemon thread owning a {@code Selector}); see {@code loom-support/README.md}
 * for why this, and not a {@code Selector} per thread nor the JDK's own poller,
 * and for what it costs per wait.
 *
 * <p>On a platform thread it is {@link SelectWait}: blocking a platform thread
 * is what platform threads are for, and a thread-local selector is the cheaper wait there.
 *
 * <p>Interrupt: when the waiting thread is interrupted it sends a cancel request
 * ({@link Connection#cancel()}), keeps polling until the server has answered, so
 * the protocol stream is never left half-read, and restores the interrupt flag;
 * the statement then fails with {@code QueryCanceledException} and the connection
 * stays usable. The interrupt never reaches a channel operation (the driver keeps
 * it away from its own I/O, and parking does not touch the channel), so it never
 * closes the socket. A timeout ({@link Connection#waitTimeout()}) is honoured as
 * an upper bound on each park; the driver's next {@code poll()} reports it.
 */
public class VirtualThreadWait implements WaitCallback {
    private final SelectWait platformWait = new SelectWait();

    public VirtualThreadWait() {
    }

    @Override
    public void await(Connection conn) {
        if (Thread.currentThread().isVirtual()) {
            drive(conn, 0, false, null);
        } else {
            platformWait.await(conn);
        }
    }

    /**
     * Drives {@code conn} like {@link #await} but gives up at {@code deadlineNanos}
     * (a {@link System#nanoTime()} value) with an {@link OperationalException}
     * naming {@code what}, which closes the connection. Parks on any kind of thread:
     * the pool uses it to bound its own statements (validation, rollback on return).
     */
    void awaitUntil(Connection conn, long deadlineNanos, String what) {
        drive(conn, deadlineNanos, true, what);
    }

    private static void drive(Connection conn, long deadlineNanos, boolean bounded, String what) {
        boolean interrupted = false;
        boolean cancelled = false;
        try {
            for (PollState state = conn.poll(); state != PollState.OK; state = conn.poll()) {
                if (Thread.interrupted()) {
                    interrupted = true;
                    if (!cancelled) {
                        cancelled = true;
                        conn.cancel();
                    }
                }
                long timeout = toNanos(conn.waitTimeout());
                if (bounded) {
                    long left = deadlineNanos - System.nanoTime();
                    if (left <= 0) {
                        throw new OperationalException(what + " timed out");
                    }
                    timeout = timeout < 0 ? left : Math.min(timeout, left);
                }
                SelectableChannel channel = conn.channel();
                ChannelPoller.get().await(channel, interestOps(channel, state), timeout);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** READ waits for OP_READ; WRITE for OP_WRITE, and OP_CONNECT too where the channel can still be connecting. */
    static int interestOps(SelectableChannel channel, PollState state) {
        int ops = state == PollState.READ ? SelectionKey.OP_READ : SelectionKey.OP_WRITE | SelectionKey.OP_CONNECT;
        return ops & channel.validOps();
    }

    private static long toNanos(Duration timeout) {
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
        return "VirtualThreadWait";
    }
}
