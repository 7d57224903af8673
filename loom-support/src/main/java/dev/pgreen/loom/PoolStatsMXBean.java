package dev.pgreen.loom;

/**
 * A {@link PgPool}'s figures over JMX, registered as
 * {@code dev.pgreen:type=PgPool,name=<pool name>} while the pool is open
 * (turn it off with {@link PgPool.Builder#registerMBean(boolean)}).
 * Each getter reads {@link PgPool#stats()}.
 */
public interface PoolStatsMXBean {
    /** Connections open or being opened. */
    int getSize();

    /** Connections waiting in the pool. */
    int getIdle();

    /** Connections checked out. */
    int getBorrowed();

    /** Callers waiting for a connection. */
    int getPending();

    /** The bound on the size. */
    int getMaxSize();

    /** Connections opened since the pool was created. */
    long getOpened();

    /** Connections closed since the pool was created. */
    long getClosed();

    /** Connections serving one-shot statements ({@code execute}, {@code executePrepared}). */
    int getShared();

    /** One-shot statements in flight. */
    int getInFlight();
}
