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
    void await(Connection conn);
}
