package dev.pgreen.loom;

/**
 * A snapshot of a {@link PgPool}.
 *
 * @param size      connections open or being opened (idle + borrowed + connecting)
 * @param idle      connections waiting in the pool
 * @param borrowed  connections checked out
 * @param pending   callers waiting for a connection
 * @param maxSize   the bound on {@code size}
 * @param opened    connections opened since the pool was created
 * @param closed    connections closed since the pool was created (retired, broken or at close)
 */
public record PoolStats(int size, int idle, int borrowed, int pending, int maxSize, long opened, long closed) {
}
