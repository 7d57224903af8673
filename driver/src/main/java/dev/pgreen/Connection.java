package dev.pgreen;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.CopyBothStream;
import dev.pgreen.protocol.CopyOperation;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.NotificationWait;
import dev.pgreen.protocol.Operation;
import dev.pgreen.protocol.ProtocolCore;
import dev.pgreen.protocol.QueryResult;
import dev.pgreen.protocol.SimpleQueryOperation;
import dev.pgreen.protocol.StartupOperation;
import dev.pgreen.transport.CancelRequest;
import dev.pgreen.transport.ConnectSettings;
import dev.pgreen.transport.Transport;
import dev.pgreen.typecast.TypeRegistry;

import dev.pgreen.errors.OperationalException;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A connection to a PostgreSQL server (psycopg2's {@code connection}).
 *
 * <p>Every wait on the server's socket is handed to the wait callback: the
 * connection's own, else the global one ({@link Pgreen#setWaitCallback}), else
 * a blocking wait. Operations from different threads are serialised by a lock;
 * re-entering the connection from the thread whose operation is in progress
 * raises {@link ProgrammingException}.
 */
public class Connection implements AutoCloseable {
    private final ConnectInfo info;
    private final ConnectSettings settings;
    private final boolean async;
    private final ProtocolCore core;
    private final Transport transport;
    private final ReentrantLock operationLock = new ReentrantLock();
    private final TypeRegistry types = new TypeRegistry();
    private final SessionEvents events = new SessionEvents();
    private final ConnectionSelector selector = new ConnectionSelector();
    /** The cancel request on its way, which every wait finishes before its operation may return. */
    private final AtomicReference<CancelRequest> pendingCancel = new AtomicReference<>();
    private final ReentrantLock cancelLock = new ReentrantLock();
    /** When the operation in progress was first cancelled ({@link System#nanoTime()}), or 0; owner only. */
    private volatile long cancelledAt;
    /** When its last cancel request was started; owner only. */
    private volatile long lastCancelAt;
    private volatile Duration statementTimeout;
    /** When the command in progress is cancelled by the statement timeout, or 0 for never; owner only. */
    private volatile long statementDeadline;
    /** The state of the owner's first step, handed to its wait callback's first poll(): no second read. */
    private PollState handoff;
    /** True while the owner's wait callback runs: notifications are delivered when it returns. */
    private boolean awaiting;
    private volatile WaitCallback waitCallback;
    private volatile CursorFactory<?> cursorFactory;
    private volatile boolean autocommit;
    private volatile SessionCharacteristics session = SessionCharacteristics.DEFAULTS;
    /** The async operation {@link #poll()} is driving, with the cursor waiting for its result. */
    private volatile AsyncQuery asyncQuery;
    /** While true, cancel() ends the wait locally: there is no statement to cancel on the server. */
    private volatile boolean awaitingNotifies;

    private record AsyncQuery(Operation op, Cursor cursor) {}

    public Connection(ConnectInfo info) {
        this.info = Objects.requireNonNull(info, "info");
        this.async = info.async();
        this.autocommit = async;
        this.waitCallback = info.waitCallback();
        this.settings = info.settings();
        this.core = new ProtocolCore(events);
        this.transport = Transport.open(core, settings);
        StartupOperation startup = new StartupOperation(settings.startupParameters(), settings.user(),
                settings.password(), settings.tls().channelBinding(), transport::tlsServerEndPoint);
        transport.submitStartup(startup);
        Duration timeout = settings.connectTimeout();
        if (timeout != null) {
            transport.setDeadline(System.nanoTime() + timeout.toNanos());
        }
        if (async) {
            asyncQuery = new AsyncQuery(startup, null);
            return;
        }
        operationLock.lock();
        try {
            run(startup);
            transport.markEstablished();
        } catch (RuntimeException | Error e) {
            closeAfterFailure();
            throw e;
        } finally {
            operationLock.unlock();
        }
    }

    // ---- the one place every wait goes through ----

    /**
     * Drives the operations in flight to completion: one non-blocking step,
     * then the wait callback, which polls until done. A registered callback is
     * called even when that step finished the work, as psycopg2 does, so a
     * cooperative scheduler gets its turn at every blocking operation. Any
     * failure of the wait closes the connection: its protocol state is unknown.
     */
    private void run(Operation op) {
        await();
        PgException error = op.error();
        if (error != null) {
            throw error;
        }
    }

    /** Waits until nothing in flight holds the caller up: the single place every wait goes through. */
    private void await() {
        try {
            PollState first = advance();
            WaitCallback cb = registeredWaitCallback();
            if (cb != null || first != PollState.OK) {
                awaiting = true;
                if (cb != null) {
                    handoff = first;
                    cb.await(this);
                } else {
                    BlockingWait.INSTANCE.awaitFrom(this, first);
                }
                if (core.isBusy()) {
                    throw new InterfaceException("the wait callback returned before the operation completed");
                }
            }
        } catch (RuntimeException | Error e) {
            closeAfterFailure();
            throw e;
        } finally {
            handoff = null;
            awaiting = false;
            transport.clearDeadline();
            if (!core.hasInFlight()) {
                cancelledAt = 0;
            }
            events.deliver();
        }
    }

    /**
     * One non-blocking step of whatever the owner waits for: a cancel request
     * on its way first (an operation never returns before the server has
     * received it), then the session. Repeats the cancel while the cancelled
     * statement runs on, applies the statement timeout, and gives up on a
     * server that ignores a cancel for longer than the grace.
     */
    private PollState advance() {
        CancelRequest c = pendingCancel.get();
        long now = System.nanoTime();
        if (c != null) {
            if (cancelledAt == 0 && core.isBusy()) {
                cancelledAt = lastCancelAt = c.startedAt();
            }
            PollState s = c.step();
            if (s != PollState.OK) {
                checkCancelGrace(c.startedAt(), now);
                return s;
            }
            pendingCancel.compareAndSet(c, null);
        }
        if (core.isBusy()) {
            if (cancelledAt != 0) {
                checkCancelGrace(cancelledAt, now);
                // A cancel that reaches the backend before the statement does cancels nothing: send it again.
                if (now - lastCancelAt >= PollingWait.CANCEL_REPEAT.toNanos() && startCancel() != null) {
                    lastCancelAt = now;
                    return advance();
                }
            } else if (statementDeadline != 0 && now - statementDeadline >= 0 && startCancel() != null) {
                return advance();
            }
        }
        return transport.step();
    }

    private void checkCancelGrace(long since, long now) {
        if (now - since > PollingWait.CANCEL_GRACE.toNanos()) {
            closeAfterFailure();
            throw new OperationalException("the server did not answer the cancel request within "
                    + PollingWait.CANCEL_GRACE.toSeconds() + " s; the connection is closed");
        }
    }

    /** The connection's callback, else the global one, else null (the driver's own wait). */
    private WaitCallback registeredWaitCallback() {
        WaitCallback cb = waitCallback;
        return cb != null ? cb : Pgreen.getWaitCallback();
    }

    /**
     * Takes the operation lock, refusing re-entry from the thread that holds it.
     * A cancel request still on its way (sent by another thread) is finished
     * first, so it cannot reach the statement about to be sent.
     */
    final Lock enter() {
        if (operationLock.isHeldByCurrentThread()) {
            throw new ProgrammingException("another command is already in progress");
        }
        operationLock.lock();
        try {
            if (transport.isClosed()) {
                throw new InterfaceException("connection already closed");
            }
            if (pendingCancel.get() != null) {
                await();
            }
            cancelledAt = 0;
        } catch (RuntimeException | Error e) {
            operationLock.unlock();
            throw e;
        }
        return operationLock::unlock;
    }

    /**
     * Takes the lock for a command: refused while a replication stream holds the
     * session in COPY BOTH. The statement timeout counts from here.
     */
    final Lock enterForCommand() {
        Lock lock = enter();
        if (core.hasInFlight()) {
            lock.close();
            throw new ProgrammingException("another command is already in progress: "
                    + "a replication stream is open on this connection");
        }
        Duration timeout = statementTimeout;
        if (timeout == null) {
            return lock;
        }
        statementDeadline = System.nanoTime() + timeout.toNanos();
        return () -> {
            statementDeadline = 0;
            lock.close();
        };
    }

    /** An acquired lock, released by try-with-resources. */
    interface Lock extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Advances the operation in progress with non-blocking I/O (or, when there is
     * none, reads what the server has sent) and says what to wait for next.
     * Never waits for the operation lock: on a synchronous connection whose
     * operation another thread runs, it leaves the socket to that thread (which
     * reads whatever arrives, notifications included) and returns OK.
     */
    public PollState poll() {
        if (transport.isClosed()) {
            throw transport.closedError();
        }
        if (async || operationLock.isHeldByCurrentThread()) {
            return pollStep();
        }
        if (!operationLock.tryLock()) {
            return PollState.OK;
        }
        try {
            return pollStep();
        } finally {
            operationLock.unlock();
        }
    }

    private PollState pollStep() {
        PollState first = handoff;
        if (first != null) {
            handoff = null;
            return first;
        }
        AsyncQuery pending = asyncQuery;
        PollState state;
        try {
            state = advance();
        } finally {
            if (!awaiting) {
                events.deliver();
            }
        }
        if (state == PollState.OK && pending != null && async) {
            asyncQuery = null;
            cancelledAt = 0;
            statementDeadline = 0;
            transport.clearDeadline();
            PgException error = pending.op().error();
            if (pending.op() instanceof StartupOperation) {
                if (error != null) {
                    closeAfterFailure();
                } else {
                    transport.markEstablished();
                }
            }
            if (pending.cursor() != null) {
                pending.cursor().finishAsync((SimpleQueryOperation) pending.op());
            }
            if (error != null) {
                throw error;
            }
        }
        return state;
    }

    /**
     * What to wait on after {@link #poll()} said READ or WRITE, in non-blocking
     * mode, for the caller's Selector (psycopg2's {@code fileno()}): the socket;
     * while a cancel request is on its way, its own socket; while the host name
     * is resolved, the resolver's pipe. Ask again after every poll().
     */
    public SelectableChannel channel() {
        CancelRequest c = pendingCancel.get();
        if (c != null && !c.isDone() && c.channel() != null) {
            return c.channel();
        }
        return transport.waitChannel();
    }

    /**
     * How long the wait may last before the connection has something to do
     * (a connect or awaitNotifies timeout, the statement timeout, repeating or
     * giving up on a cancel), or null when it has no limit.
     */
    public Duration waitTimeout() {
        long nanos = transport.remainingNanos();
        long now = System.nanoTime();
        if (cancelledAt != 0) {
            nanos = earlier(nanos, cancelledAt + PollingWait.CANCEL_GRACE.toNanos() - now);
            nanos = earlier(nanos, lastCancelAt + PollingWait.CANCEL_REPEAT.toNanos() - now);
        } else if (statementDeadline != 0) {
            nanos = earlier(nanos, statementDeadline - now);
        }
        CancelRequest c = pendingCancel.get();
        if (c != null) {
            nanos = earlier(nanos, c.startedAt() + PollingWait.CANCEL_GRACE.toNanos() - now);
        }
        return nanos < 0 ? null : Duration.ofNanos(nanos);
    }

    /** The earlier of two waits in nanoseconds, -1 meaning none; never below 0. */
    private static long earlier(long nanos, long other) {
        other = Math.max(0, other);
        return nanos < 0 ? other : Math.min(nanos, other);
    }

    /**
     * Cancels every later command that takes longer than {@code timeout} on the
     * server (a cancel request, as an interrupt sends: the command fails with
     * {@code QueryCanceledException} and the connection stays usable); null or
     * zero for no limit. It works under every wait callback: the connection
     * itself sends the cancel from within {@link #poll()}.
     */
    public void setStatementTimeout(Duration timeout) {
        this.statementTimeout = timeout == null || timeout.isZero() ? null : requireNonNegative(timeout);
    }

    private static Duration requireNonNegative(Duration timeout) {
        if (timeout.isNegative()) {
            throw new ProgrammingException("the statement timeout must not be negative: " + timeout);
        }
        return timeout;
    }

    /** The limit of {@link #setStatementTimeout}, or null. */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /**
     * Waits, through the wait callback, until at least one notification has
     * arrived or the timeout passes; returns how many arrived during the call.
     * Notifications are added to {@link #notifies()} as always.
     */
    public int awaitNotifies(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        refuseInAsync("awaitNotifies");
        try (Lock ignored = enterForCommand()) {
            long before = events.notificationsReceived();
            NotificationWait wait = new NotificationWait();
            transport.submit(wait);
            // Past the deadline the wait is abandoned, not failed: it sent nothing the server could answer.
            transport.setDeadline(System.nanoTime() + Math.max(0, timeout.toNanos()));
            awaitingNotifies = true;
            statementDeadline = 0;
            try {
                run(wait);
            } finally {
                awaitingNotifies = false;
            }
            return (int) (events.notificationsReceived() - before);
        }
    }

    // ---- COPY BOTH streams, for the replication connections ----

    /**
     * Holds the connection for a long operation made of several steps (a
     * replication stream); release it with {@code close()}. Raises
     * {@link ProgrammingException} on re-entry from the same thread.
     */
    protected final AutoCloseable holdForOperation() {
        refuseInAsync("a blocking stream");
        return enter();
    }

    /**
     * Sends a command answered with CopyBothResponse. Synchronous connections
     * wait until the stream is open (or the command failed, which raises);
     * asynchronous ones only send it: {@link #poll()} then reads the stream.
     */
    protected final CopyBothStream openCopyBoth(String sql) {
        ensureOpen();
        CopyBothStream stream = new CopyBothStream(sql);
        stream.setWaitingForData(false);
        if (async) {
            if (asyncQuery != null) {
                throw new ProgrammingException("another command is already in progress");
            }
            transport.submit(stream);
            transport.step();
            return stream;
        }
        requireHeld();
        transport.submit(stream);
        run(stream);
        return stream;
    }

    /**
     * The next CopyData payload of the stream, waiting through the wait
     * callback at most {@code timeout} (null: no limit); null when the timeout
     * passed or the stream has ended. Asynchronous connections never wait.
     */
    protected final byte[] readCopyData(CopyBothStream stream, Duration timeout) {
        byte[] data = stream.next();
        if (data != null || (!async && !stream.isStreaming())) {
            raiseStreamError(stream);
            return data;
        }
        stream.setWaitingForData(true);
        try {
            if (async) {
                // Never waits: reads what has arrived (the stream may still be opening).
                transport.step();
            } else {
                requireHeld();
                if (timeout != null) {
                    transport.setDeadline(System.nanoTime() + Math.max(0, timeout.toNanos()));
                }
                await();
            }
        } finally {
            stream.setWaitingForData(false);
        }
        raiseStreamError(stream);
        return stream.next();
    }

    /** Sends one CopyData message on the stream, waiting (synchronous connections) until it is written. */
    protected final void writeCopyData(CopyBothStream stream, byte[] data) {
        if (!stream.isStreaming()) {
            throw new ProgrammingException("the replication stream is not open");
        }
        transport.withIo(() -> core.encoder().copyData(data, 0, data.length));
        if (async) {
            transport.step();
        } else {
            requireHeld();
            await();
        }
    }

    /** Ends the stream with CopyDone and reads the server's replies to ReadyForQuery. */
    protected final void closeCopyBoth(CopyBothStream stream) {
        if (transport.isClosed()) {
            return;
        }
        transport.withIo(() -> stream.end(core.encoder()));
        if (!async) {
            requireHeld();
            await();
        }
    }

    /** Whether this thread is inside {@link #holdForOperation()} (or any operation) on this connection. */
    protected final boolean isHeldByCurrentThread() {
        return operationLock.isHeldByCurrentThread();
    }

    private void requireHeld() {
        if (!operationLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the stream methods run inside holdForOperation()");
        }
    }

    private static void raiseStreamError(CopyBothStream stream) {
        if (stream.error() != null) {
            throw stream.error();
        }
    }

    // ---- queries ----

    /** Runs {@code sql} (already formatted) for a cursor, opening a transaction first unless in autocommit. */
    QueryResult execute(String sql, Cursor cursor) {
        if (async) {
            return executeAsync(sql, cursor);
        }
        try (Lock ignored = enterForCommand()) {
            // Pipelined with the statement: the BEGIN costs no extra round trip.
            SimpleQueryOperation begin = beginIfNeeded();
            SimpleQueryOperation query = new SimpleQueryOperation(sql);
            transport.submit(query);
            run(query);
            if (begin != null && begin.error() != null) {
                throw begin.error();
            }
            return query.result();
        }
    }

    /**
     * Runs a COPY, inside a transaction unless in autocommit; returns its
     * command tag. The caller's streams are read and written here, between
     * waits, never inside a step: a slow stream holds up only this thread.
     */
    String copy(CopyOperation op, InputStream in, OutputStream out) {
        refuseInAsync("COPY");
        try (Lock ignored = enterForCommand()) {
            SimpleQueryOperation begin = beginIfNeeded();
            transport.submit(op);
            byte[] chunk = in == null ? null : new byte[COPY_CHUNK];
            PgException outputError = null;
            for (;;) {
                await();
                for (byte[] data : takeReceived(op)) {
                    outputError = outputError != null ? outputError : writeCopyOutput(out, data);
                }
                if (op.isComplete()) {
                    break;
                }
                if (op.wantsInput()) {
                    supplyCopyInput(op, in, chunk);
                }
            }
            if (begin != null && begin.error() != null) {
                throw begin.error();
            }
            if (op.error() != null) {
                throw op.error();
            }
            if (outputError != null) {
                throw outputError;
            }
            return op.commandTag();
        }
    }

    private static final int COPY_CHUNK = 64 * 1024;

    private List<byte[]> takeReceived(CopyOperation op) {
        List<List<byte[]>> taken = new java.util.ArrayList<>(1);
        transport.withIo(() -> taken.add(op.takeReceived()));
        return taken.get(0);
    }

    /** Writes rows out; a failure is reported once the server has finished sending (the rest is drained). */
    private static PgException writeCopyOutput(OutputStream out, byte[] data) {
        try {
            out.write(data);
            return null;
        } catch (IOException | RuntimeException e) {
            return new OperationalException("error writing the COPY output: " + e.getMessage(), e);
        }
    }

    private void supplyCopyInput(CopyOperation op, InputStream in, byte[] chunk) {
        int n;
        try {
            n = in.read(chunk);
        } catch (IOException | RuntimeException e) {
            transport.withIo(() -> op.failInput(core.encoder(), e));
            return;
        }
        if (n < 0) {
            transport.withIo(() -> op.endInput(core.encoder()));
        } else {
            transport.withIo(() -> op.supply(core.encoder(), chunk, n));
        }
    }

    /**
     * Runs {@code sql} for a cursor without opening a transaction first, as psycopg2
     * does for FETCH, MOVE and CLOSE on WITH HOLD cursors and for closing named cursors.
     */
    QueryResult executeWithoutBegin(String sql, Cursor cursor) {
        refuseInAsync("named cursors");
        try (Lock ignored = enterForCommand()) {
            SimpleQueryOperation query = new SimpleQueryOperation(sql);
            transport.submit(query);
            run(query);
            return query.result();
        }
    }

    /** Queues a BEGIN when outside autocommit and no transaction is open; it is pipelined with what follows. */
    private SimpleQueryOperation beginIfNeeded() {
        if (autocommit || core.transactionStatus() != 'I') {
            return null;
        }
        SimpleQueryOperation begin = new SimpleQueryOperation(session.beginStatement());
        transport.submit(begin);
        return begin;
    }

    /**
     * Runs several statements as one multi-statement query inside the open
     * transaction (outside autocommit only, where it means the same as running
     * them one by one); returns the rows they affected together.
     */
    long executeBatch(String statements) {
        try (Lock ignored = enterForCommand()) {
            SimpleQueryOperation begin = beginIfNeeded();
            SimpleQueryOperation batch = new SimpleQueryOperation(statements);
            transport.submit(batch);
            run(batch);
            if (begin != null && begin.error() != null) {
                throw begin.error();
            }
            return batch.totalRowCount();
        }
    }

    /** Statements prepared on this connection, by SQL text; the least recently used beyond the limit are unnamed. */
    private static final int PREPARED_LIMIT = 256;
    private final java.util.LinkedHashMap<String, String> prepared = new java.util.LinkedHashMap<>(16, 0.75f, true);
    private int preparedCount;

    /**
     * Runs one statement with server-side parameters, preparing it on first
     * use and reusing the server's plan after (up to 256 statements per
     * connection; past that, statements are parsed each time).
     */
    QueryResult executePrepared(String sql, byte[][] params) {
        refuseInAsync("executePrepared");
        try (Lock ignored = enterForCommand()) {
            SimpleQueryOperation begin = beginIfNeeded();
            ExtendedQueryOperation op;
            try {
                op = runPrepared(sql, (name, text) -> ExtendedQueryOperation.single(name, text, params));
            } catch (PgException e) {
                // The server lost the statement (DEALLOCATE, DISCARD ALL): outside a transaction it is
                // safe to prepare it again at once; inside one the transaction is already aborted.
                if (!"26000".equals(e.sqlState()) || core.transactionStatus() != 'I') {
                    throw e;
                }
                op = runPrepared(sql, (name, text) -> ExtendedQueryOperation.single(name, text, params));
            }
            if (begin != null && begin.error() != null) {
                throw begin.error();
            }
            return op.result();
        }
    }

    /**
     * Runs one prepared statement for every row of parameters in one round trip
     * (the rows commit or fail together in autocommit); returns the rows affected.
     */
    long executePreparedBatch(String sql, java.util.List<byte[][]> rows) {
        refuseInAsync("executeManyPrepared");
        try (Lock ignored = enterForCommand()) {
            SimpleQueryOperation begin = beginIfNeeded();
            ExtendedQueryOperation op = runPrepared(sql, (name, text) -> ExtendedQueryOperation.batch(name, text, rows));
            if (begin != null && begin.error() != null) {
                throw begin.error();
            }
            return op.rowCount();
        }
    }

    /**
     * Runs an operation on the statement prepared for {@code sql}, preparing it
     * first when it is not (yet) on the server, and keeps the cache in step.
     */
    private ExtendedQueryOperation runPrepared(String sql,
            java.util.function.BiFunction<String, String, ExtendedQueryOperation> make) {
        String name = prepared.get(sql);
        boolean parse = name == null;
        if (parse) {
            name = prepared.size() < PREPARED_LIMIT ? "pgreen_" + ++preparedCount : "";
        }
        ExtendedQueryOperation op = make.apply(name, parse ? sql : null);
        transport.submit(op);
        try {
            run(op);
        } catch (PgException e) {
            // A plan the server dropped or can no longer use (the table changed): prepare it again next time.
            if ("26000".equals(e.sqlState()) || "0A000".equals(e.sqlState())) {
                prepared.remove(sql);
            }
            throw e;
        } finally {
            if (parse && op.parsed() && !name.isEmpty()) {
                prepared.put(sql, name);
            }
        }
        return op;
    }

    private QueryResult executeAsync(String sql, Cursor cursor) {
        if (asyncQuery != null || core.hasInFlight()) {
            throw new ProgrammingException("another command is already in progress: "
                    + "poll() the asynchronous connection until OK first");
        }
        ensureOpen();
        SimpleQueryOperation query = new SimpleQueryOperation(sql);
        Duration timeout = statementTimeout;
        statementDeadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        transport.submit(query);
        asyncQuery = new AsyncQuery(query, cursor);
        // On the wire before execute returns (libpq's PQsendQuery + PQflush): a cancel, or a caller that waits
        // for READ at once, must find the statement sent. What does not fit goes out with the next poll().
        transport.step();
        return null;
    }

    /** Runs a statement of the driver's own, outside the transaction logic. */
    private void runInternal(String sql) {
        SimpleQueryOperation op = new SimpleQueryOperation(sql);
        transport.submit(op);
        run(op);
    }

    public void commit() {
        endTransaction("COMMIT", "commit");
    }

    public void rollback() {
        endTransaction("ROLLBACK", "rollback");
    }

    private void endTransaction(String sql, String what) {
        refuseInAsync(what);
        try (Lock ignored = enterForCommand()) {
            if (!autocommit && core.transactionStatus() != 'I') {
                runInternal(sql);
            }
        }
    }

    public void setAutocommit(boolean autocommit) {
        refuseInAsync("setAutocommit");
        try (Lock ignored = enterForCommand()) {
            refuseInTransaction("setAutocommit");
            if (autocommit != this.autocommit && !session.isDefault()) {
                // In autocommit mode the settings live in the session defaults, not in BEGIN.
                runInternal(session.sessionDefaults(!autocommit));
            }
            this.autocommit = autocommit;
        }
    }

    public boolean isAutocommit() {
        return autocommit;
    }

    /**
     * Sets the characteristics of the transactions to come; a null argument
     * leaves that one unchanged.
     */
    public void setSession(IsolationLevel level, Boolean readOnly, Boolean deferrable) {
        refuseInAsync("setSession");
        try (Lock ignored = enterForCommand()) {
            refuseInTransaction("setSession");
            session = session.with(level, readOnly, deferrable);
            if (autocommit && !session.isDefault()) {
                runInternal(session.sessionDefaults(false));
            }
        }
    }

    public IsolationLevel isolationLevel() {
        IsolationLevel level = session.isolationLevel();
        return level == null ? IsolationLevel.DEFAULT : level;
    }

    /** The read-only setting of {@link #setSession}, or null for the server's default. */
    public Boolean readOnly() {
        return session.readOnly();
    }

    /** The deferrable setting of {@link #setSession}, or null for the server's default. */
    public Boolean deferrable() {
        return session.deferrable();
    }

    /**
     * Back to a clean state (psycopg2's {@code reset()}): the transaction in
     * progress is rolled back and the session characteristics return to the
     * server's defaults.
     */
    public void reset() {
        refuseInAsync("reset");
        try (Lock ignored = enterForCommand()) {
            if (core.transactionStatus() != 'I') {
                runInternal("ROLLBACK");
            }
            if (!session.isDefault()) {
                if (autocommit) {
                    runInternal(session.sessionDefaults(true));
                }
                session = SessionCharacteristics.DEFAULTS;
            }
            // As psycopg2's reset(): back to the default transaction mode too.
            autocommit = false;
        }
    }

    private void refuseInTransaction(String what) {
        if (core.transactionStatus() != 'I') {
            throw new ProgrammingException(what + " cannot be used inside a transaction");
        }
    }

    void refuseInAsync(String what) {
        if (async) {
            throw new ProgrammingException(what + " cannot be used in asynchronous mode");
        }
    }

    // ---- cursors ----

    public Cursor cursor() {
        ensureOpen();
        CursorFactory<?> f = cursorFactory;
        return f == null ? new Cursor(this, null) : f.create(this, null);
    }

    /** A named (server-side) cursor: DECLAREd on execute, its rows fetched in batches as they are read. */
    public Cursor cursor(String name) {
        if (name == null) {
            // psycopg2: cursor(None) is a client-side cursor.
            return cursor();
        }
        ensureOpen();
        refuseInAsync("named cursors");
        if (name == null || name.isEmpty()) {
            throw new ProgrammingException("a named cursor needs a non-empty name");
        }
        CursorFactory<?> f = cursorFactory;
        return f == null ? new Cursor(this, name) : f.create(this, name);
    }

    @SuppressWarnings("unchecked")
    public <T extends Cursor> T cursor(CursorFactory<T> factory) {
        if (factory == null) {
            // psycopg2: cursor(cursor_factory=None) uses the connection's factory.
            return (T) cursor();
        }
        ensureOpen();
        return factory.create(this, null);
    }

    public void setCursorFactory(CursorFactory<?> factory) {
        this.cursorFactory = factory;
    }

    public CursorFactory<?> cursorFactory() {
        return cursorFactory;
    }

    // ---- lifecycle ----

    /**
     * Sends a CancelRequest for the statement in progress, on a separate
     * connection, and waits (at most {@link PollingWait#CANCEL_GRACE}) until the
     * server has received it; callable from any thread, harmless when nothing
     * runs. From inside the operation's own wait callback it only starts the
     * request, which the wait then finishes ({@link #requestCancel()}).
     * During {@link #awaitNotifies} it ends the wait instead.
     *
     * @throws OperationalException when the request could not be delivered in time
     */
    public void cancel() {
        ensureOpen();
        if (awaitingNotifies) {
            transport.requestAbandonIdleWait();
            return;
        }
        CancelRequest req = startCancel();
        if (req == null || operationLock.isHeldByCurrentThread()) {
            return;
        }
        deliver(req);
        pendingCancel.compareAndSet(req, null);
        if (req.failure() != null) {
            throw new OperationalException("could not send the cancel request: " + req.failure().getMessage(),
                    req.failure());
        }
    }

    /**
     * Starts a cancel request without waiting for anything: the operation's
     * wait sends it through {@link #poll()} and {@link #channel()} like any
     * other step, and the operation does not return before the server has
     * received it. While the statement runs on, it is repeated every
     * {@link PollingWait#CANCEL_REPEAT}; past {@link PollingWait#CANCEL_GRACE}
     * the connection is closed. What wait callbacks, the loom and Kotlin
     * modules call on interrupt or cancellation. Harmless when nothing runs.
     */
    public void requestCancel() {
        if (transport.isClosed()) {
            return;
        }
        if (awaitingNotifies) {
            transport.requestAbandonIdleWait();
            return;
        }
        startCancel();
    }

    /** The cancel request on its way, started now unless one already is; null when there is no session yet. */
    private CancelRequest startCancel() {
        cancelLock.lock();
        try {
            CancelRequest c = pendingCancel.get();
            if (c != null) {
                return c;
            }
            int pid = core.backendPid();
            if (pid == 0 || transport.isClosed()) {
                return null;
            }
            c = CancelRequest.start(settings, transport.remoteAddress(), pid, core.secretKey());
            pendingCancel.set(c);
            return c;
        } finally {
            cancelLock.unlock();
        }
    }

    /** Drives a cancel request to its end on this thread, with a selector of its own, within the grace. */
    private static void deliver(CancelRequest req) {
        long deadline = req.startedAt() + PollingWait.CANCEL_GRACE.toNanos();
        // An interrupt would make every select return at once: it is the caller's, restored afterwards.
        boolean interrupted = Thread.interrupted();
        try (Selector sel = Selector.open()) {
            for (PollState s = req.step(); s != PollState.OK; s = req.step()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    req.close();
                    throw new OperationalException("the server did not answer the cancel request within "
                            + PollingWait.CANCEL_GRACE.toSeconds() + " s");
                }
                SelectionKey key = req.channel().keyFor(sel);
                int ops = PollingWait.interestOps(req.channel(), s);
                if (key == null) {
                    req.channel().register(sel, ops);
                } else {
                    key.interestOps(ops);
                }
                sel.select(Math.max(1, left / 1_000_000));
                sel.selectedKeys().clear();
            }
        } catch (IOException e) {
            req.close();
            throw new OperationalException("could not send the cancel request: " + e.getMessage(), e);
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Closes the connection. From a thread other than the one running an
     * operation, it does not wait for that operation: it aborts it (as JDBC's
     * {@code abort}), closing the socket at once, and the running call fails
     * promptly with an {@link OperationalException} saying so. An idle
     * connection says goodbye to the server (Terminate) first.
     */
    @Override
    public void close() {
        if (transport.isClosed()) {
            return;
        }
        if (operationLock.isHeldByCurrentThread()) {
            if (awaiting) {
                abort("the connection was closed (close() inside the wait) while an operation was in progress");
            } else {
                transport.terminateAndClose();
                closeResources();
            }
            return;
        }
        if (operationLock.tryLock()) {
            try {
                transport.terminateAndClose();
                closeResources();
            } finally {
                operationLock.unlock();
            }
            return;
        }
        abort("the connection was closed (close() from another thread) while an operation was in progress");
    }

    private void abort(String reason) {
        transport.abort(reason);
        closeResources();
    }

    private void closeAfterFailure() {
        transport.close();
        closeResources();
    }

    /** The connection's selector and a cancel request left on its way: closing them wakes their waiters. */
    private void closeResources() {
        selector.close();
        CancelRequest c = pendingCancel.getAndSet(null);
        if (c != null) {
            c.close();
        }
    }

    public boolean isClosed() {
        return transport.isClosed();
    }

    void ensureOpen() {
        if (transport.isClosed()) {
            throw new InterfaceException("connection already closed");
        }
    }

    /** Whether the start-up has finished (a statement could be running, so a cancel means something). */
    boolean isEstablished() {
        return transport.isEstablished();
    }

    /** The selector of the driver's own wait and of {@link PollingWait#selectOn}, closed with the connection. */
    ConnectionSelector selector() {
        return selector;
    }

    // ---- state ----

    public ConnectInfo info() {
        return info;
    }

    public String dsn() {
        return info.dsn();
    }

    public boolean isAsync() {
        return async;
    }

    /** Whether an asynchronous query (or the asynchronous connect) is still under way. */
    public boolean isExecuting() {
        return asyncQuery != null;
    }

    public TransactionStatus transactionStatus() {
        if (transport.isClosed()) {
            return TransactionStatus.UNKNOWN;
        }
        if (core.hasInFlight()) {
            return TransactionStatus.ACTIVE;
        }
        return switch (core.transactionStatus()) {
            case 'T' -> TransactionStatus.INTRANS;
            case 'E' -> TransactionStatus.INERROR;
            default -> TransactionStatus.IDLE;
        };
    }

    /** The server version as an integer, e.g. 150018 for 15.18 (libpq's PQserverVersion). */
    public int serverVersion() {
        String v = parameterStatus("server_version");
        if (v == null) {
            return 0;
        }
        String[] parts = v.split("[^0-9]+", 4);
        int major = parse(parts, 0);
        return major >= 10 ? major * 10000 + parse(parts, 1) : major * 10000 + parse(parts, 1) * 100 + parse(parts, 2);
    }

    private static int parse(String[] parts, int i) {
        try {
            return i < parts.length ? Integer.parseInt(parts[i]) : 0;
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    public String parameterStatus(String name) {
        return core.parameters().get(name);
    }

    public int backendPid() {
        return core.backendPid();
    }

    /** The notices received (at most the last 50), each as libpq formats it, e.g. {@code "NOTICE:  text\n"}. */
    public List<String> notices() {
        return events.notices();
    }

    public Collection<Notify> notifies() {
        return events.notifies();
    }

    public void setNotifies(Collection<Notify> sink) {
        events.setNotifies(sink);
    }

    public void setWaitCallback(WaitCallback cb) {
        this.waitCallback = cb;
    }

    public WaitCallback waitCallback() {
        return waitCallback;
    }

    TypeRegistry types() {
        return types;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + info.dsn() + (isClosed() ? ", closed" : "") + ")";
    }
}
