package dev.pgreen;

import dev.pgreen.adapt.QueryFormatter;
import dev.pgreen.adapt.ServerParameters;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage;
import dev.pgreen.protocol.BackendMessage.Field;
import dev.pgreen.protocol.BackendMessage.ReadyForQuery;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.FrontendEncoder;
import dev.pgreen.protocol.Operation;
import dev.pgreen.protocol.QueryResult;
import dev.pgreen.protocol.ServerStatement;
import dev.pgreen.protocol.SimpleQueryOperation;
import dev.pgreen.transport.Transport;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * One connection serving one-shot statements from many threads at once, with
 * several statements in flight (vertx-pg-client's pipelining, on the pipeline
 * core): a statement goes out with a Sync of its own as soon as it is
 * submitted, without waiting for those before it, and the server answers them
 * in order. Each statement is its own transaction, as in autocommit: one that
 * fails fails only its caller, with the server's error, and the statements
 * around it run as if they were alone.
 *
 * <pre>{@code
 * SharedConnection shared = new SharedConnection(conn);
 * // from any number of threads:
 * StatementResult r = shared.submitPrepared("SELECT abalance FROM pgbench_accounts WHERE aid = %s", 42).await();
 * }</pre>
 *
 * <p><b>Threads.</b> Callers encode their own statements (under the connection's
 * I/O lock, for the length of the encoding) and park until their reply has
 * arrived. One I/O thread per connection, a virtual thread started when a
 * statement is submitted to a connection with nothing in flight and ending once
 * everything is answered, writes what the callers encoded, reads the replies
 * and hands each to its caller. It waits through the connection's wait
 * callback, as every operation does. No lock is held across a wait; no
 * monitor is used.
 *
 * <p><b>Cancellation.</b> A cancel request stops whatever the backend runs when
 * it arrives, which here may be another caller's statement: none is sent. A
 * caller that stops waiting (an interrupt, a timed {@link Reply#await(Duration)})
 * abandons its reply: the statement runs to its end on the server and its result
 * is dropped. Bound statements with the server's {@code statement_timeout}, which
 * fails only the statement that ran too long (SQLSTATE 57014).
 *
 * <p><b>Failures.</b> A connection that is lost or closed fails every statement
 * in flight with an {@link OperationalException} (the statement the server was
 * running gets the server's own message when it sent one). A statement that
 * leaves a transaction open ({@code BEGIN}) would pull the statements after it
 * into that transaction: its caller gets a {@link ProgrammingException}, the
 * connection is closed (which rolls the transaction back), and the statements
 * behind it fail with an {@link OperationalException}: none of them committed.
 *
 * <p>The connection must not be used otherwise while statements are in flight
 * (its operations wait for the I/O thread's turn). Session state (SET, LISTEN,
 * temporary tables) is shared by every caller: keep it out of shared statements.
 */
public final class SharedConnection implements AutoCloseable {
    /** Statements prepared per connection by their SQL; past this, statements are parsed each time. */
    private static final int PREPARED_LIMIT = 256;
    /** Result shapes kept per connection (a described cursor each); past this, shapes are described each time. */
    private static final int SHAPES_LIMIT = 256;

    private final Connection conn;
    private final Transport transport;
    private final ThreadFactory ioThreads;
    private final Runnable onAnswered;
    /** Whether an I/O thread runs (or is starting): set by the submitter that starts it, cleared as it ends. */
    private final AtomicBoolean driving = new AtomicBoolean();
    /** {@link #close()} was called: the I/O thread closes the connection as it ends. */
    private volatile boolean closeWhenDone;
    /** Statements sent and not answered yet, in the order of the wire; guarded by the transport's I/O lock. */
    private final ArrayDeque<Statement> inFlight = new ArrayDeque<>();
    /** Statements in flight, readable without the lock. */
    private final AtomicInteger inFlightCount = new AtomicInteger();
    /** Why the connection can take no more statements, or null; guarded by the I/O lock. */
    private volatile PgException broken;
    /** Set when a statement left a transaction open: what is answered after it was rolled back with it. */
    private PgException rolledBack;
    /** SQL text to its prepared statement; guarded by the I/O lock (the order of Parse on the wire). */
    private final Map<String, ServerStatement> prepared = new LinkedHashMap<>(16, 0.75f, true);
    private int preparedCount;
    /** Result shapes: a cursor that has described the columns, for typecasting rows in the callers' threads. */
    private final Map<List<Field>, Cursor> shapes = new ConcurrentHashMap<>();

    /**
     * A shared connection whose I/O threads are virtual threads, with no listener.
     *
     * @param conn an idle synchronous connection (see {@link #SharedConnection(Connection, ThreadFactory, Runnable)})
     */
    public SharedConnection(Connection conn) {
        this(conn, Thread.ofVirtual().name("pgreen-shared-io").factory(), null);
    }

    /**
     * Shares {@code conn}: from now on only this object may use it.
     *
     * @param conn       an idle synchronous connection; its autocommit setting does not matter (every
     *                   statement is its own transaction) and its wait callback is the I/O thread's
     * @param ioThreads  makes the I/O threads (a virtual-thread factory keeps carriers free)
     * @param onAnswered called once per submitted statement when it is complete (answered, failed,
     *                   or failed with the connection), whether or not its caller still waits; it runs
     *                   on the I/O thread under the connection's I/O lock, so it must be quick and must
     *                   not call into this shared connection. Null for none.
     */
    public SharedConnection(Connection conn, ThreadFactory ioThreads, Runnable onAnswered) {
        this.conn = Objects.requireNonNull(conn, "conn");
        this.ioThreads = Objects.requireNonNull(ioThreads, "ioThreads");
        this.onAnswered = onAnswered;
        conn.refuseInAsync("SharedConnection");
        this.transport = conn.transport();
    }

    /** {@return the connection shared} */
    public Connection connection() {
        return conn;
    }

    /** {@return how many statements were submitted and are not complete yet} */
    public int inFlight() {
        return inFlightCount.get();
    }

    /** {@return whether the connection takes no more statements (it failed or was closed)} */
    public boolean isBroken() {
        return broken != null || conn.isClosed();
    }

    // ---- submitting ----

    /**
     * Sends a statement with {@code %s} placeholders as a server-side prepared
     * statement ({@link Cursor#executePrepared(String, Object...)}), prepared once
     * per connection; returns at once with the reply to wait for.
     *
     * @param sql  the statement, with {@code %s} placeholders
     * @param args the values of the placeholders, sent as parameters
     * @return the reply to {@link Reply#await() await}
     * @throws PgException when nothing was sent: the arguments cannot be bound,
     *                     or the connection is broken ({@link #isBroken()})
     */
    public Reply submitPrepared(String sql, Object... args) {
        Object[] values = args == null ? new Object[0] : args;
        return submitParameterized(conn.rewrites().positional(sql, values).sql(), values);
    }

    /**
     * {@link #submitPrepared(String, Object...)} with {@code %(name)s} placeholders.
     *
     * @param sql  the statement, with {@code %(name)s} placeholders
     * @param args the values by name, sent as parameters
     * @return the reply to {@link Reply#await() await}
     */
    public Reply submitPrepared(String sql, Map<String, ?> args) {
        Map<String, ?> values = args == null ? Map.of() : args;
        QueryFormatter.Parameterized p = conn.rewrites().named(sql, values);
        return submitParameterized(p.sql(), p.values(values));
    }

    private Reply submitParameterized(String statement, Object[] values) {
        byte[][] params = new byte[values.length][];
        for (int i = 0; i < params.length; i++) {
            params[i] = ServerParameters.encode(values[i]);
        }
        return send(new Reply(this, statement, params));
    }

    /**
     * Sends a statement with its arguments merged client-side
     * ({@link Cursor#execute(String, Object...)}: a simple query, which may hold
     * several statements); returns at once with the reply to wait for.
     *
     * @param sql  the statement, with {@code %s} placeholders
     * @param args the values, adapted to SQL literals
     * @return the reply to {@link Reply#await() await}
     * @throws PgException when nothing was sent (see {@link #submitPrepared})
     */
    public Reply submit(String sql, Object... args) {
        return send(new Reply(this, args == null || args.length == 0 ? sql : QueryFormatter.format(sql, args, conn),
                null));
    }

    /**
     * {@link #submit(String, Object...)} with {@code %(name)s} placeholders.
     *
     * @param sql  the statement, with {@code %(name)s} placeholders
     * @param args the values by name, adapted to SQL literals
     * @return the reply to {@link Reply#await() await}
     */
    public Reply submit(String sql, Map<String, ?> args) {
        return send(new Reply(this, args == null ? sql : QueryFormatter.format(sql, args, conn), null));
    }

    private Reply send(Reply reply) {
        if (reply.sql.isBlank()) {
            throw new ProgrammingException("can't execute an empty query");
        }
        if (reply.sql.indexOf('\0') >= 0) {
            // Refused before any byte is encoded: a message cut short would desynchronise every caller's stream.
            throw new DataException("a query cannot contain NUL (0x00) characters: PostgreSQL text cannot hold them");
        }
        if (!driving.get()) {
            probe();
        }
        transport.withIo(() -> {
            PgException why = broken;
            if (why != null || transport.isClosed()) {
                throw new OperationalException("the shared connection can take no more statements: "
                        + (why != null ? why.getMessage() : "it is closed"), why);
            }
            enqueue(new Statement(reply, false));
        });
        if (driving.compareAndSet(false, true)) {
            startDriving();
        }
        return reply;
    }

    /**
     * Nothing is in flight, so nobody reads the socket: a non-blocking read
     * finds what the server sent meanwhile (a terminated backend's FATAL message,
     * the end of the stream), so a statement is never sent into a dead session.
     */
    private void probe() {
        try {
            conn.poll();
        } catch (RuntimeException e) {
            PgException why = e instanceof PgException pe ? pe
                    : new OperationalException("the shared connection failed: " + e, e);
            transport.withIo(() -> {
                if (broken == null) {
                    broken = why;
                }
            });
            throw new OperationalException("the shared connection is broken: " + e.getMessage(), e);
        }
    }

    /** Writes a statement's messages and queues it for its reply; the caller holds the I/O lock. */
    private void enqueue(Statement st) {
        transport.submit(st);
        inFlight.addLast(st);
        if (!st.retry) {
            inFlightCount.incrementAndGet();
        }
    }

    // ---- the I/O thread ----

    /** Starts an I/O thread; one that cannot start fails what is in flight (the caller's reply raises it). */
    private void startDriving() {
        try {
            Thread t = ioThreads.newThread(this::drive);
            if (t == null) {
                throw new IllegalStateException("the thread factory made no thread");
            }
            t.start();
        } catch (RuntimeException | Error e) {
            driving.set(false);
            failAll(new OperationalException("could not start the I/O thread of a shared connection: " + e, e));
        }
    }

    /**
     * Drives the connection until nothing is in flight, through its wait
     * callback; a failure fails every statement in flight. Ends, but a
     * statement submitted while it was ending makes it go on.
     */
    private void drive() {
        do {
            try (Connection.Lock ignored = conn.enter()) {
                conn.await(true);
            } catch (RuntimeException | Error e) {
                failAll(e);
            }
            driving.set(false);
        } while (transport.readIo(() -> !inFlight.isEmpty()) && driving.compareAndSet(false, true));
        if (closeWhenDone) {
            conn.close();
        }
    }

    /**
     * Takes no more statements and closes the connection: at once when
     * statements are in flight (they fail with an {@link OperationalException}),
     * else as {@link Connection#close()} does, with a Terminate, once the I/O
     * thread (if one still runs) has ended. Any thread; idempotent.
     */
    @Override
    public void close() {
        int left = transport.readIo(() -> {
            if (broken == null) {
                broken = new InterfaceException("the shared connection is closed");
            }
            return inFlight.size();
        });
        closeWhenDone = true;
        if (left > 0 || !driving.get()) {
            conn.close();
        }
    }

    /** The connection failed or was closed: every statement in flight fails with it, and no more are taken. */
    private void failAll(Throwable cause) {
        PgException why = cause instanceof PgException pe ? pe
                : new OperationalException("the shared connection failed: " + cause, cause);
        transport.withIo(() -> {
            if (broken == null) {
                broken = why;
            }
            PgException reason = broken;
            for (Statement st = inFlight.pollFirst(); st != null; st = inFlight.pollFirst()) {
                // The statement the server was running may have its own account of the end (a FATAL message).
                PgException own = st.op.error();
                st.finish(null, own != null && own != reason ? own : new OperationalException(
                        "the connection was lost or closed while the statement was in flight: " + reason.getMessage(),
                        reason));
            }
        });
        if (!conn.isClosed()) {
            conn.close();
        }
    }

    /**
     * One statement on the wire: the driver's operation, watched for the end of
     * its reply. {@link #handle} runs on the I/O thread under the I/O lock.
     */
    private final class Statement implements Operation {
        final Reply reply;
        final boolean retry;
        /** The prepared statement, or null for the unnamed statement or a simple query. */
        final ServerStatement statement;
        /** Whether this one sends the Parse. */
        final boolean parse;
        final Operation op;

        /** A simple Query; or Parse (the first time only), Bind, Describe, Execute and Sync. */
        Statement(Reply reply, boolean retry) {
            this.reply = reply;
            this.retry = retry;
            if (reply.params == null) {
                statement = null;
                parse = false;
                op = new SimpleQueryOperation(reply.sql);
                return;
            }
            ServerStatement known = retry ? null : prepared.get(reply.sql);
            parse = known == null;
            if (parse && prepared.size() < PREPARED_LIMIT) {
                // The statements submitted after this one Bind it at once, before its Parse is answered:
                // if that fails, theirs fail with 26000 and are sent again with a Parse of their own.
                known = new ServerStatement("pgreen_shared_" + ++preparedCount, reply.sql, null);
                prepared.put(reply.sql, known);
            }
            statement = known;
            op = known == null ? ExtendedQueryOperation.unnamed(reply.sql, reply.params, null)
                    : ExtendedQueryOperation.single(known, reply.params);
        }

        @Override
        public void start(FrontendEncoder out) {
            op.start(out);
        }

        @Override
        public boolean handle(BackendMessage m, FrontendEncoder out) {
            if (!op.handle(m, out)) {
                return false;
            }
            if (inFlight.pollFirst() != this) {
                throw new InterfaceException("protocol error: the replies of a shared connection are out of order");
            }
            char status = m instanceof ReadyForQuery z ? z.status() : 'I';
            answered(status);
            return true;
        }

        private void answered(char status) {
            PgException error = op.error();
            if (status != 'I' && rolledBack == null) {
                // The statements behind it are inside its transaction now: closing the connection rolls them
                // all back, and none may report success.
                rolledBack = new OperationalException("a statement before it on the shared connection left a"
                        + " transaction open; the connection was closed, which rolled that transaction back");
                if (broken == null) {
                    broken = rolledBack;
                }
                finish(null, new ProgrammingException("the statement left a transaction open (" + reply.sql
                        + "): statements on a shared connection each run in a transaction of their own; use a"
                        + " connection of your own for transactions. The connection was closed, which rolled it back"));
                conn.close();
                return;
            }
            if (rolledBack != null) {
                finish(null, new OperationalException(rolledBack.getMessage(), rolledBack));
                return;
            }
            if (error != null && statement != null) {
                boolean failedParse = parse && !((ExtendedQueryOperation) op).parsed();
                if (failedParse || isStalePlan(error)) {
                    prepared.remove(reply.sql, statement);
                }
                // The prepared statement was gone (a failed Parse before it, DISCARD ALL): nothing ran.
                if ("26000".equals(error.sqlState()) && !retry) {
                    enqueue(new Statement(reply, true));
                    return;
                }
            }
            finish(error == null ? resultOf(op) : null, error);
        }

        /** Tells the listener, then completes the reply: a caller that has its reply finds it counted. */
        void finish(QueryResult result, PgException error) {
            inFlightCount.decrementAndGet();
            if (onAnswered != null) {
                onAnswered.run();
            }
            reply.complete(result, error);
        }

        @Override
        public PgException error() {
            return op.error();
        }
    }

    private static QueryResult resultOf(Operation op) {
        return op instanceof ExtendedQueryOperation e ? e.result() : ((SimpleQueryOperation) op).result();
    }

    /** A plan the server dropped or can no longer use (the table changed): prepare it again next time. */
    private static boolean isStalePlan(PgException e) {
        return "26000".equals(e.sqlState()) || "0A000".equals(e.sqlState());
    }

    /** The described cursor for a result's columns (see {@link StatementResult#of}). */
    private Cursor shape(List<Field> fields) {
        Cursor shape = shapes.get(fields);
        if (shape == null) {
            // As conn.cursor() makes it, without its check that the connection is open: the rows are here.
            CursorFactory<?> f = conn.cursorFactory();
            shape = f == null ? new Cursor(conn, null) : f.create(conn, null);
            shape.describe(fields);
            if (shapes.size() < SHAPES_LIMIT) {
                shapes.putIfAbsent(fields, shape);
            }
        }
        return shape;
    }

    @Override
    public String toString() {
        return "SharedConnection(" + conn + ", " + inFlight() + " in flight)";
    }

    /**
     * The reply to one submitted statement. {@link #await()} waits for it in the
     * caller's thread (parking, so a virtual thread frees its carrier) and
     * typecasts its rows there.
     */
    public static final class Reply {
        private static final int WAITING = 0;
        private static final int DONE = 1;
        private static final int ABANDONED = 2;

        private final SharedConnection shared;
        final String sql;
        /** The encoded parameters of a prepared statement; null for a simple query. */
        final byte[][] params;
        private final AtomicInteger state = new AtomicInteger(WAITING);
        private volatile Thread waiter;
        private QueryResult result;
        private PgException error;

        Reply(SharedConnection shared, String sql, byte[][] params) {
            this.shared = shared;
            this.sql = sql;
            this.params = params;
        }

        /** {@return whether the statement is complete (answered or failed)} */
        public boolean isDone() {
            return state.get() == DONE;
        }

        /**
         * Waits for the reply and returns the statement's result, or raises its
         * error (the server's, with its SQLSTATE).
         *
         * <p>An interrupt ends the wait: the reply is abandoned (the statement,
         * already sent, runs to its end on the server and its result is dropped),
         * and this raises {@link OperationalException} with the interrupt flag set
         * again. A reply that had arrived is returned, the flag kept.
         *
         * @return the statement's result
         */
        public StatementResult await() {
            return await(-1);
        }

        /**
         * {@link #await()} for at most {@code timeout}; past it the reply is
         * abandoned as on an interrupt and {@link OperationalException} says so.
         *
         * @param timeout the longest to wait
         * @return the statement's result
         */
        public StatementResult await(Duration timeout) {
            long nanos;
            try {
                nanos = Math.max(0, timeout.toNanos());
            } catch (ArithmeticException e) {
                nanos = -1;
            }
            return await(nanos);
        }

        private StatementResult await(long timeoutNanos) {
            if (state.get() == WAITING) {
                waiter = Thread.currentThread();
                long deadline = System.nanoTime() + timeoutNanos;
                while (state.get() == WAITING) {
                    if (Thread.interrupted()) {
                        Thread.currentThread().interrupt();
                        if (abandon()) {
                            throw new OperationalException("interrupted while waiting for the reply to a statement"
                                    + " already sent on a shared connection: it runs to its end on the server and"
                                    + " its result is discarded");
                        }
                        break;
                    }
                    if (timeoutNanos < 0) {
                        LockSupport.park(this);
                        continue;
                    }
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        if (abandon()) {
                            throw new OperationalException("no reply within " + timeoutNanos / 1_000_000
                                    + " ms from the shared connection: the statement runs to its end on the"
                                    + " server and its result is discarded");
                        }
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                }
                waiter = null;
            }
            if (error != null) {
                throw error;
            }
            QueryResult r = result;
            return StatementResult.of(r, r.fields() == null ? null : shared.shape(r.fields()));
        }

        private boolean abandon() {
            if (state.compareAndSet(WAITING, ABANDONED)) {
                result = null;
                return true;
            }
            return false;
        }

        /** On the I/O thread: the statement is complete; wakes the caller unless it has gone. */
        void complete(QueryResult result, PgException error) {
            this.result = result;
            this.error = error;
            if (state.compareAndSet(WAITING, DONE)) {
                Thread t = waiter;
                if (t != null) {
                    LockSupport.unpark(t);
                }
            }
        }

        @Override
        public String toString() {
            return "Reply(" + sql + ", " + switch (state.get()) {
                case WAITING -> "waiting";
                case DONE -> "done";
                default -> "abandoned";
            } + ")";
        }
    }
}
