package dev.pgreen.loom;

/**
 * A snapshot of a {@link PgPool}.
 *
 * @param size      connections open or being opened (idle + borrowed + shared + connecting)
 * @param idle      connections waiting in the pool
 * @param borrowed  connections checked out ({@link PgPool#acquire()})
 * @param pending   callers waiting for a connection, or for room to send a one-shot statement
 * @param maxSize   the bound on {@code size}
 * @param opened    connections opened since the pool was created
 * @param closed    connections closed since the pool was created (retired, broken or at close)
 * @param shared    connections serving one-shot statements ({@link PgPool#execute}, {@link PgPool#executePrepared})
 * @param inFlight  one-shot statements sent (or about to be) and not answered yet
 */
public record PoolStats(int size, int idle, int borrowed, int pending, int maxSize, long opened, long closed,
                        int shared, int inFlight) {

    /**
     * A snapshot with no one-shot statements.
     *
     * @param size     connections open or being opened
     * @param idle     connections waiting in the pool
     * @param borrowed connections checked out
     * @param pending  callers waiting for a connection
     * @param maxSize  the bound on {@code size}
     * @param opened   connections opened since the pool was created
     * @param closed   connections closed since the pool was created
     */
    public PoolStats(int size, int idle, int borrowed, int pending, int maxSize, long opened, long closed) {
        this(size, idle, borrowed, pending, maxSize, opened, closed, 0, 0);
    }
}
