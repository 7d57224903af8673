package dev.pgreen;

import dev.pgreen.errors.PgException;
import dev.pgreen.errors.PipelineAbortedException;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.QueryResult;

/**
 * Pipeline mode (psycopg 3's {@code Connection.pipeline()}): while it is open,
 * {@code execute}, {@code executePrepared}, {@code executeMany} and
 * {@code executeManyPrepared} on the connection's cursors send their
 * statements at once and return without waiting for the server; the results
 * arrive in order. {@link #sync()} waits until everything sent so far is
 * answered; {@link #close()} syncs too and leaves pipeline mode.
 *
 * <pre>{@code
 * try (Pipeline p = conn.pipeline()) {
 *     a.execute("INSERT INTO t VALUES (1)");
 *     b.executePrepared("SELECT * FROM t WHERE id = %s", 1);
 * }   // one round trip for both
 * b.fetchAll();
 * }</pre>
 *
 * <p>A cursor's results are available once its statement is answered: asking
 * for them earlier ({@code fetchOne}, {@code rowCount}, ...) syncs. A server
 * error is raised by the cursor of the statement that caused it, or, when no
 * cursor raised it, by the next {@code sync()}/{@code close()}; the statements
 * sent after it up to that sync are skipped by the server, and their cursors
 * raise {@link PipelineAbortedException}. Between two syncs the statements run
 * in one transaction even in autocommit (the server's implicit transaction).
 *
 * <p>Statements go over the extended protocol, so each must be one statement
 * (no {@code "SELECT 1; SELECT 2"}). Any other command on the connection
 * (commit, COPY, a named cursor, ...) syncs the pipeline first. On an
 * asynchronous connection {@code sync()} and {@code close()} only send the
 * Sync: {@link Connection#poll()} until OK delivers the results and raises
 * the error.
 */
public final class Pipeline implements AutoCloseable {
    private final Connection conn;
    private volatile boolean closed;
    /** Statements went out since the last Sync: the next sync has to send one. */
    boolean unsynced;
    /** The first server error since the last sync that no cursor has raised yet. */
    private PgException unreported;

    Pipeline(Connection conn) {
        this.conn = conn;
    }

    /**
     * Sends a Sync and waits until every statement sent so far is answered. On an asynchronous connection
     * it only sends the Sync: {@link Connection#poll()} until OK does the rest.
     *
     * @throws PgException the first server error since the last sync that no cursor has raised yet
     */
    public void sync() {
        conn.syncPipeline(this);
    }

    /**
     * Syncs and leaves pipeline mode; the connection stays usable, also when it raises.
     *
     * @throws PgException as {@link #sync()} does
     */
    @Override
    public void close() {
        conn.closePipeline(this);
    }

    /**
     * Whether the pipeline has been closed.
     *
     * @return true after {@link #close()}: the connection's statements wait for their results again
     */
    public boolean isClosed() {
        return closed;
    }

    /**
     * The connection in pipeline mode.
     *
     * @return the connection whose {@link Connection#pipeline()} opened this pipeline
     */
    public Connection connection() {
        return conn;
    }

    void markClosed() {
        closed = true;
    }

    /** A statement failed: its error is the pipeline's to raise unless its cursor does first. */
    void noteError(PgException e) {
        if (unreported == null && !(e instanceof PipelineAbortedException)) {
            unreported = e;
        }
    }

    /** A cursor raised {@code e} itself: the sync need not. */
    void reported(PgException e) {
        if (unreported == e) {
            unreported = null;
        }
    }

    /** The error a sync raises, the Sync's own one added: the first unraised, then nothing until the next. */
    PgException takeUnreported(PgException syncError) {
        PgException e = unreported;
        unreported = null;
        if (e == null) {
            return syncError;
        }
        if (syncError != null) {
            e.addSuppressed(syncError);
        }
        return e;
    }

    /**
     * The outcome of what one cursor call sent: one statement (its result), or
     * the many of executeMany (their rows affected, summed, and the first error).
     * Filled in by the operations as they complete, in the I/O step.
     */
    static final class Result {
        private final Pipeline pipeline;
        private final boolean single;
        private ExtendedQueryOperation last;
        private int outstanding;
        private long rowCount = -1;
        private PgException error;

        Result(Pipeline pipeline, boolean single) {
            this.pipeline = pipeline;
            this.single = single;
        }

        void sent(ExtendedQueryOperation op) {
            last = op;
            outstanding++;
        }

        void completed(ExtendedQueryOperation op) {
            outstanding--;
            long n = op.rowCount();
            if (n >= 0) {
                rowCount = (rowCount < 0 ? 0 : rowCount) + n;
            }
            if (error == null && op.error() != null) {
                error = op.error();
            }
            if (op.error() != null) {
                pipeline.noteError(op.error());
            }
        }

        boolean isComplete() {
            return outstanding == 0;
        }

        /** The first error of these statements, now raised by their caller (so no sync raises it again). */
        PgException takeError() {
            if (error != null) {
                pipeline.reported(error);
            }
            return error;
        }

        /** The single statement's result; null for many (executeMany keeps no rows). */
        QueryResult result() {
            return single && last != null ? last.result() : null;
        }

        long rowCount() {
            return rowCount;
        }
    }
}
