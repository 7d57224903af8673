package dev.pgreen;

import dev.pgreen.errors.OperationalException;

import java.io.IOException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * The loop every wait strategy of the project shares: poll until OK, waiting
 * in between however the subclass does it, and for no longer than
 * {@link Connection#waitTimeout()} says.
 *
 * <p>On interrupt it asks for a cancel request ({@link Connection#requestCancel()})
 * and keeps polling: the connection sends the request through these same waits,
 * repeats it while the statement runs on, and answers only once the server has
 * answered, so the stream is never left half-read. The statement then fails
 * with {@code QueryCanceledException}, the connection stays usable, and the
 * interrupt flag is restored. A server that does not answer within
 * {@link #CANCEL_GRACE} is given up on: {@code poll()} fails, which closes the
 * connection, instead of hanging forever.
 */
public abstract class PollingWait implements WaitCallback {
    /** How long a cancelled statement may take to end before its connection is closed. */
    public static final Duration CANCEL_GRACE = Duration.ofSeconds(10);
    /** How often an unanswered cancel request is sent again within the grace. */
    public static final Duration CANCEL_REPEAT = Duration.ofSeconds(1);

    /** For subclasses, which say how one wait is done ({@link #waitFor}). */
    protected PollingWait() {
    }

    @Override
    public void await(Connection conn) {
        awaitFrom(conn, conn.poll());
    }

    /**
     * The same loop, for a caller that has just polled and got {@code first}:
     * it waits for that at once instead of polling again.
     *
     * @param conn the connection to drive until {@link PollState#OK}
     * @param first what the caller's own poll returned
     * @throws OperationalException if the connect was interrupted or timed out (there is no statement to
     *     cancel yet), or waiting failed
     * @throws dev.pgreen.errors.QueryCanceledException when the statement was cancelled after an interrupt
     *     or the {@link #statementBudget()}, raised by {@code poll()} once the server has answered
     */
    protected void awaitFrom(Connection conn, PollState first) {
        boolean interrupted = false;
        boolean cancelled = false;
        Duration budget = statementBudget();
        long cancelAt = budget == null ? 0 : System.nanoTime() + budget.toNanos();
        try {
            for (PollState state = first; state != PollState.OK; state = conn.poll()) {
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                long now = budget == null ? 0 : System.nanoTime();
                if (!cancelled && (interrupted || (budget != null && now - cancelAt >= 0))) {
                    cancelled = true;
                    if (!conn.isEstablished()) {
                        // No statement runs during start-up: there is nothing to cancel, only a connect to give up.
                        throw new OperationalException(interrupted ? "the connect was interrupted"
                                : "timeout expired: the connection was not established within " + budget.toMillis() + " ms");
                    }
                    conn.requestCancel();
                    continue;
                }
                Duration timeout = conn.waitTimeout();
                if (!cancelled && budget != null) {
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

    private static Duration min(Duration a, Duration b) {
        return a == null || b.compareTo(a) < 0 ? b : a;
    }

    /**
     * How long one operation may wait before its statement is cancelled, or
     * null for no limit (the default). {@link Connection#setStatementTimeout}
     * sets such a limit for every callback.
     *
     * @return the budget of one operation, or null
     */
    protected Duration statementBudget() {
        return null;
    }

    /**
     * Waits until {@code channel} is ready for what {@code state} asks, or the
     * timeout passes (null: no limit). It may return early: the loop polls again.
     * It must not clear the thread's interrupt status.
     *
     * @param conn the connection whose operation waits
     * @param channel its channel ({@link Connection#channel()})
     * @param state what to wait for: {@link PollState#READ} or {@link PollState#WRITE}
     * @param timeout the longest to wait, or null for no limit
     */
    protected abstract void waitFor(Connection conn, SelectableChannel channel, PollState state, Duration timeout);

    /**
     * Waits with a {@link java.nio.channels.Selector} that belongs to {@code conn}:
     * opened on the first wait, kept (with its registrations) across waits,
     * closed with the connection (which wakes the wait).
     *
     * @param conn the connection whose operation waits
     * @param channel its channel
     * @param state what to wait for
     * @param timeout the longest to wait, or null for no limit
     * @throws OperationalException if the selector fails
     */
    protected static void selectOn(Connection conn, SelectableChannel channel, PollState state, Duration timeout) {
        try {
            conn.selector().await(channel, interestOps(channel, state), selectMillis(timeout));
        } catch (IOException e) {
            throw new OperationalException("waiting for the server failed: " + e.getMessage(), e);
        }
    }

    /**
     * READ waits for OP_READ; WRITE for OP_CONNECT while the socket is still
     * connecting, else for OP_WRITE or OP_READ: a server blocked writing its
     * replies to us stops reading, so our writes only drain once we read.
     *
     * @param channel the connection's channel
     * @param state what {@code poll()} asked for
     * @return the {@link SelectionKey} interest set to register
     */
    public static int interestOps(SelectableChannel channel, PollState state) {
        if (state == PollState.READ) {
            return SelectionKey.OP_READ;
        }
        return channel instanceof SocketChannel sc && sc.isConnectionPending()
                ? SelectionKey.OP_CONNECT : SelectionKey.OP_WRITE | SelectionKey.OP_READ;
    }

    /**
     * Milliseconds for {@code Selector.select(long)}, where 0 waits forever.
     *
     * @param timeout the longest to wait, or null for no limit
     * @return 0 for no limit, else the timeout in milliseconds and at least 1
     */
    public static long selectMillis(Duration timeout) {
        if (timeout == null) {
            return 0;
        }
        long millis = timeout.toMillis();
        return millis <= 0 ? 1 : millis;
    }
}
