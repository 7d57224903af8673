package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.errors.InterfaceException;

import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A connection checked out of a {@link PgPool}; {@link #close()} gives it back.
 *
 * <pre>{@code
 * try (PooledConnection pc = pool.acquire()) {
 *     Cursor cur = pc.cursor();
 *     cur.execute("SELECT ...");
 *     ...
 *     pc.commit();
 * }   // uncommitted work is rolled back when the connection goes back
 * }</pre>
 *
 * <p>The {@link Connection} itself is handed out, so code written against
 * {@code Connection} runs unchanged; it must not be used once the handle is
 * closed (the next borrower owns it). Not thread-safe, as a cursor is not.
 */
public final class PooledConnection implements AutoCloseable {
    private final PgPool pool;
    private final PgPool.Slot slot;
    private final AtomicBoolean returned = new AtomicBoolean();

    PooledConnection(PgPool pool, PgPool.Slot slot) {
        this.pool = pool;
        this.slot = slot;
    }

    /**
     * The borrowed connection.
     *
     * @return the connection, the pool's until returned
     * @throws InterfaceException once the connection was returned
     */
    public Connection connection() {
        if (returned.get()) {
            throw new InterfaceException("the pooled connection was already returned to " + pool);
        }
        return slot.conn;
    }

    /**
     * A client-side cursor on the borrowed connection: {@code connection().cursor()}.
     *
     * @return a new cursor
     * @throws InterfaceException once the connection was returned
     */
    public Cursor cursor() {
        return connection().cursor();
    }

    /**
     * Commits the borrowed connection's transaction: {@code connection().commit()}.
     *
     * @throws InterfaceException once the connection was returned
     * @throws dev.pgreen.errors.PgException the server's error
     */
    public void commit() {
        connection().commit();
    }

    /**
     * Rolls the borrowed connection's transaction back: {@code connection().rollback()}.
     *
     * @throws InterfaceException once the connection was returned
     */
    public void rollback() {
        connection().rollback();
    }

    /** Gives the connection back to the pool, which rolls back an open transaction first. Idempotent. */
    @Override
    public void close() {
        if (returned.compareAndSet(false, true)) {
            pool.release(slot, false);
        }
    }

    /** Gives the connection back to be closed instead of reused (it is known to be unusable). Idempotent. */
    public void discard() {
        if (returned.compareAndSet(false, true)) {
            pool.release(slot, true);
        }
    }

    /**
     * Whether the connection was given back.
     *
     * @return true after {@link #close()} or {@link #discard()}
     */
    public boolean isReturned() {
        return returned.get();
    }

    @Override
    public String toString() {
        return "PooledConnection(" + pool + (returned.get() ? ", returned" : "") + ")";
    }
}
