package dev.pgreen;

/**
 * The one seam through which pgreen waits for the server (psycopg2's wait
 * callback). An implementation calls {@link Connection#poll()} until it returns
 * {@link PollState#OK}, waiting until {@link Connection#channel()} is readable
 * (READ) or writable (WRITE) in between, however it likes: a Selector, parking
 * a virtual thread, suspending a coroutine, yielding to a scheduler.
 *
 * <p>An exception it throws propagates to the caller and closes the connection.
 * {@link Connection#waitTimeout()} says how long the operation may still take.
 */
@FunctionalInterface
public interface WaitCallback {
    /**
     * Waits until the connection's operation in progress is done.
     *
     * @param conn the connection to drive: poll it until {@link PollState#OK}
     * @throws RuntimeException whatever the wait raises (a {@link dev.pgreen.errors.QueryCanceledException}
     *     after an interrupt, say); it propagates to the caller of the operation
     */
    void await(Connection conn);
}
