package dev.pgreen.loom;

/**
 * A {@link PgPool}'s figures over JMX, registered as
 * {@code dev.pgreen:type=PgPool,name=<pool name>} while the pool is open
 * (turn it off with {@link PgPool.Builder#registerMBean(boolean)}).
 * Each getter reads {@link PgPool#stats()}.
 */
public interface PoolStatsMXBean {
    /**
     * Connections open or being opened (idle, borrowed and connecting).
     *
     * @return the count
     */
    int getSize();

    /**
     * Connections waiting in the pool.
     *
     * @return the count
     */
    int getIdle();

    /**
     * Connections checked out.
     *
     * @return the count
     */
    int getBorrowed();

    /**
     * Callers waiting for a connection.
     *
     * @return the count
     */
    int getPending();

    /**
     * The bound on the size.
     *
     * @return the pool's {@code maxSize}
     */
    int getMaxSize();

    /**
     * Connections opened since the pool was created.
     *
     * @return the count
     */
    long getOpened();

    /**
     * Connections closed since the pool was created (retired, broken or at close).
     *
     * @return the count
     */
    long getClosed();

    /**
     * Connections serving one-shot statements ({@code execute}, {@code executePrepared}).
     *
     * @return the count
     */
    int getShared();

    /**
     * One-shot statements in flight.
     *
     * @return the count
     */
    int getInFlight();
}
