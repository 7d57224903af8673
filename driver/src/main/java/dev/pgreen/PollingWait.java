package dev.pgreen;

import dev.pgreen.errors.OperationalException;

import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The loop every wait strategy of the project shares: poll until OK, waiting
 * in between however the subclass does it.
 *
 * <p>On interrupt it sends a cancel request once and keeps polling until the
 * server answers, so the stream is never left half-read: the statement then
 * fails with {@code QueryCanceledException}, the connection stays usable, and
 * the interrupt flag is restored. A server that does not answer the cancel
 * within {@link #CANCEL_GRACE} is given up on: the wait fails, which closes the
 * connection, instead of hanging forever.
 */
public abstract class PollingWait implements WaitCallback {
    public static final Duration CANCEL_GRACE = Duration.ofSeconds(10);
    /** How often an unanswered cancel request is sent again within the grace. */
    public static final Duration CANCEL_REPEAT = Duration.ofSeconds(1);

    @Override
    public void await(Connection conn) {
        awaitFrom(conn, conn.poll());
    }

    /**
     * The same loop, for a caller that has just polled and got {@code first}:
     * it waits for that at once instead of polling again.
     */
    protected void awaitFrom(Connection conn, PollState first) {
        boolean interrupted = false;
        long cancelledAt = 0;
        long lastCancel = 0;
        boolean cancelled = false;
        Duration budget = statementBudget();
        long cancelAt = budget == null ? 0 : System.nanoTime() + budget.toNanos();
        try {
            for (PollState state = first; state != PollState.OK; state = conn.poll()) {
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                long now = System.nanoTime();
                if (!cancelled && (interrupted || (budget != null && now - cancelAt >= 0))) {
                    cancelled = true;
                    cancelledAt = lastCancel = now;
                    tryCancel(conn);
                    continue;
                }
                Duration timeout = conn.waitTimeout();
                if (cancelled) {
                    long left = CANCEL_GRACE.toNanos() - (now - cancelledAt);
                    if (left <= 0) {
                        throw new OperationalException("the server did not answer the cancel request within "
                                + CANCEL_GRACE.toSeconds() + " s; the connection is closed");
                    }
                    // A cancel that reaches the server before the statement starts cancels nothing: repeat it
                    // while this same operation is still waiting for its answer.
                    if (now - lastCancel >= CANCEL_REPEAT.toNanos()) {
                        lastCancel = now;
                        tryCancel(conn);
                    }
                    timeout = min(timeout, Duration.ofNanos(Math.min(left,
                            Math.max(1, CANCEL_REPEAT.toNanos() - (now - lastCancel)))));
                } else if (budget != null) {
                    timeout = min(timeout, Duration.ofNanos(Math.max(1, cancelAt - now)));
                }
                waitFor(conn, conn.channel(), state, timeout);
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A cancel request that fails (its own socket interrupted, the server unreachable) is repeated, not fatal. */
    private static void tryCancel(Connection conn) {
        try {
            conn.cancel();
        } catch (RuntimeException e) {
            // The repeat and the grace below decide what happens next.
        }
    }

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }

    /**
     * How long one operation may wait before its statement is cancelled, or
     * null for no limit (the default).
     */
    protected Duration statementBudget() {
        return null;
    }

    /**
     * Waits until {@code channel} is ready for what {@code state} asks, or the
     * timeout passes (null: no limit). It may return early: the loop polls again.
     * It must not clear the thread's interrupt status.
     */
    protected abstract void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout);

    /**
     * READ waits for OP_READ; WRITE for OP_CONNECT while the socket is still
     * connecting, else for OP_WRITE or OP_READ: a server blocked writing its
     * replies to us stops reading, so our writes only drain once we read.
     */
    public static int interestOps(SelectableChannel channel, PollState state) {
        if (state == PollState.READ) {
            return SelectionKey.OP_READ;
        }
        return channel instanceof SocketChannel sc && sc.isConnectionPending()
                ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE | SelectionKey.OP_READ;
    }

    /** Milliseconds for {@code Selector.select(long)}: 0 waits forever, so a positive timeout is at least 1. */
    public static long selectMillis(Duration timeout) {
        if (timeout == null) {
            return 0;
        }
        long millis = timeout.toMillis();
        return millis <= 0 ? 1 : millis;
    }
}
