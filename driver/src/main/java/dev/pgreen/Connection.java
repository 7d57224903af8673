package dev.pgreen;

import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.PgException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.protocol.BackendMessage;
import dev.pgreen.protocol.CopyBothStream;
import dev.pgreen.protocol.CopyOperation;
import dev.pgreen.protocol.ExtendedQueryOperation;
import dev.pgreen.protocol.NotificationWait;
import dev.pgreen.protocol.Operation;
import dev.pgreen.protocol.ProtocolCore;
import dev.pgreen.protocol.QueryResult;
import dev.pgreen.protocol.ResultFormats;
import dev.pgreen.protocol.ServerStatement;
import dev.pgreen.protocol.SimpleQueryOperation;
import dev.pgreen.protocol.StreamOperation;
import dev.pgreen.protocol.SyncOperation;
import dev.pgreen.transport.CancelRequest;
import dev.pgreen.transport.ConnectAttempts;
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
    private final boolean async;
    // The host's settings, session and socket: those of each connect attempt in turn, then the established one's.
    private volatile ConnectSettings settings;
    private volatile ProtocolCore core;
    private volatile Transport transport;
    /** The connect attempts to the hosts, until one has established the session; then null. */
    private volatile ConnectAttempts connecting;
    private final ReentrantLock operationLock = new ReentrantLock();
    /** What {@link #enter()} returns: one for the connection's life rather than one per command. */
    private final Lock operationUnlock = operationLock::unlock;
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
    private volatile Duration slowStatementThreshold;
    /** The SQL of the command in progress, for the slow-statement log; owner only. */
    private String commandText;
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

    /** The open pipeline, or null; see {@link #pipeline()}. */
    private volatile Pipeline pipeline;
    /** A BEGIN went out in the pipeline: the server's transaction status is known again at the next sync. */
    private boolean beginPipelined;

    private record AsyncQuery(Operation op, Cursor cursor, Pipeline syncing) {
        AsyncQuery(Operation op, Cursor cursor) {
            this(op, cursor, null);
        }
    }

    private static final System.Logger LOG = System.getLogger(Connection.class.getName());
    private static final java.util.regex.Pattern LISTEN =
            java.util.regex.Pattern.compile("\\s*listen\\s", java.util.regex.Pattern.CASE_INSENSITIVE);
    /** A LISTEN ran in the transaction in progress, which has not ended yet. */
    private volatile boolean listenUncommitted;

    /**
     * Connects (or, for an asynchronous {@code info}, starts connecting). Subclasses call it from a
     * constructor taking a {@code ConnectInfo}, so that {@code SubClass::new} is a {@link ConnectionFactory};
     * {@link Pgreen#connect(String)} is the usual way in.
     *
     * @param info what to connect to
     * @throws OperationalException if no host can be reached, the server refuses the connection, or a setting
     *     asks for a guarantee the driver cannot give ({@code gssencmode=require}, say); the connection is
     *     then closed
     */
    public Connection(ConnectInfo info) {
        this.info = Objects.requireNonNull(info, "info");
        this.async = info.async();
        this.autocommit = async;
        this.waitCallback = info.waitCallback();
        ConnectAttempts attempts = ConnectAttempts.start(info.settings(), () -> new ProtocolCore(events));
        this.connecting = attempts;
        adopt(attempts);
        if (async) {
            asyncQuery = new AsyncQuery(null, null);
            return;
        }
        operationLock.lock();
        try {
            await();
            LOG.log(System.Logger.Level.DEBUG, () -> "connected: " + this + ", backend " + core.backendPid());
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
        await(false);
    }

    /**
     * {@link #await()}; {@code shared} when other threads add statements meanwhile
     * ({@link SharedConnection}'s I/O thread), so some may be in flight again once the callback returns.
     */
    void await(boolean shared) {
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
                if (connecting != null || (!shared && core.isBusy())) {
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
        if (c != null) {
            long now = System.nanoTime();
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
        // The clock is read only when a cancel or a timeout is on: most steps have neither.
        if ((cancelledAt != 0 || statementDeadline != 0) && core.isBusy()) {
            long now = System.nanoTime();
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
        return connecting != null ? stepConnect() : transport.step();
    }

    /** One step of the connect attempts; the connection takes on each attempt's session and socket. */
    private PollState stepConnect() {
        ConnectAttempts attempts = connecting;
        PollState state;
        try {
            state = attempts.step();
        } catch (RuntimeException | Error e) {
            adopt(attempts);
            connecting = null;
            closeAfterFailure();
            throw e;
        }
        adopt(attempts);
        if (attempts.isDone()) {
            connecting = null;
        }
        return state;
    }

    private void adopt(ConnectAttempts attempts) {
        settings = attempts.settings();
        core = attempts.core();
        transport = attempts.transport();
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
        return operationUnlock;
    }

    /**
     * Takes the lock for a command: refused while a replication stream holds the
     * session in COPY BOTH. The statement timeout counts from here.
     */
    final Lock enterForCommand() {
        return enterForCommand(InPipeline.SYNC);
    }

    /** What a command does when a pipeline is open: goes into it, or syncs it first (raising its error or not). */
    private enum InPipeline { SEND, SYNC, SYNC_QUIETLY }

    private Lock enterForCommand(InPipeline use) {
        Lock lock = enter();
        try {
            if (pipeline != null && use != InPipeline.SEND) {
                drainPipeline(use == InPipeline.SYNC);
            }
            if (core.hasInFlight() && pipeline == null) {
                throw new ProgrammingException("another command is already in progress: "
                        + "a stream (Cursor.stream or a replication stream) is open on this connection");
            }
        } catch (RuntimeException | Error e) {
            lock.close();
            throw e;
        }
        Duration timeout = statementTimeout;
        Duration slow = slowStatementThreshold;
        if (timeout == null && slow == null) {
            return lock;
        }
        long start = System.nanoTime();
        commandText = null;
        statementDeadline = timeout == null ? 0 : start + timeout.toNanos();
        return () -> {
            statementDeadline = 0;
            try {
                logIfSlow(slow, start);
            } finally {
                lock.close();
            }
        };
    }

    private void logIfSlow(Duration slow, long start) {
        long took = System.nanoTime() - start;
        if (slow != null && took >= slow.toNanos()) {
            String sql = commandText;
            LOG.log(System.Logger.Level.INFO, () -> "slow statement: " + took / 1_000_000 + " ms on backend "
                    + core.backendPid() + (sql == null ? "" : ": " + abbreviate(sql)));
        }
    }

    private static String abbreviate(String sql) {
        return sql.length() <= 500 ? sql : sql.substring(0, 500) + "... (" + sql.length() + " characters)";
    }

    /**
     * Logs (System.Logger, INFO) every later command that takes at least
     * {@code threshold}, with its SQL as sent (no parameter values of
     * prepared statements); null turns it off.
     *
     * @param threshold the shortest duration logged, or null
     * @throws ProgrammingException if {@code threshold} is negative
     */
    public void setSlowStatementThreshold(Duration threshold) {
        this.slowStatementThreshold = threshold == null ? null : requireNonNegative(threshold);
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
     * psycopg2's {@code poll()}.
     *
     * @return {@link PollState#OK} when done, else what to wait for on {@link #channel()}
     * @throws InterfaceException if the connection is closed
     * @throws PgException the error of the operation it completes: an asynchronous query's server error, or
     *     a failure to connect (which closes the connection)
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
            if (pending.op() instanceof CopyOperation copy && !copy.isComplete()) {
                // The COPY waits for its caller: input to supply, or rows to take (AsyncCopy).
                return state;
            }
            asyncQuery = null;
            cancelledAt = 0;
            statementDeadline = 0;
            transport.clearDeadline();
            // The connect (no operation) raised its failure from the step already.
            PgException error = pending.op() == null ? null : pending.op().error();
            if (pending.syncing() != null) {
                error = finishSync(pending.syncing(), error, true);
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
     *
     * @return the channel to wait on, always in non-blocking mode
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
     *
     * @return the longest the next wait may last, or null
     */
    public Duration waitTimeout() {
        long nanos = transport.remainingNanos();
        CancelRequest c = pendingCancel.get();
        if (cancelledAt == 0 && statementDeadline == 0 && c == null) {
            return nanos < 0 ? null : Duration.ofNanos(nanos);
        }
        long now = System.nanoTime();
        if (cancelledAt != 0) {
            nanos = earlier(nanos, cancelledAt + PollingWait.CANCEL_GRACE.toNanos() - now);
            nanos = earlier(nanos, lastCancelAt + PollingWait.CANCEL_REPEAT.toNanos() - now);
        } else if (statementDeadline != 0) {
            nanos = earlier(nanos, statementDeadline - now);
        }
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
     *
     * @param timeout the limit per command, or null (or zero) for none
     * @throws ProgrammingException if {@code timeout} is negative
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

    /**
     * The limit per command that {@link #setStatementTimeout} set.
     *
     * @return the limit, or null for none
     */
    public Duration statementTimeout() {
        return statementTimeout;
    }

    /**
     * Waits, through the wait callback, until at least one notification has
     * arrived or the timeout passes; returns how many arrived during the call.
     * Notifications are added to {@link #notifies()} as always.
     *
     * <p>A LISTEN takes effect when its transaction commits: outside autocommit,
     * commit after {@code LISTEN} or nothing will arrive (a warning is logged
     * when this is called inside the transaction that ran LISTEN).
     *
     * @param timeout the longest to wait; zero only reads what has arrived
     * @return the number of notifications that arrived during the call
     * @throws ProgrammingException on an asynchronous connection, or while another command is in progress
     *     on this thread
     * @throws InterfaceException if the connection is closed
     */
    public int awaitNotifies(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        refuseInAsync("awaitNotifies");
        try (Lock ignored = enterForCommand()) {
            if (listenUncommitted && core.transactionStatus() != 'I') {
                LOG.log(System.Logger.Level.WARNING, "awaitNotifies() inside the transaction that ran LISTEN: "
                        + "the LISTEN takes effect only when that transaction commits, so nothing can arrive; "
                        + "commit first (or use autocommit)");
            }
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
     *
     * @return the hold, to close when the operation ends
     * @throws ProgrammingException on an asynchronous connection, or on re-entry from the same thread
     * @throws InterfaceException if the connection is closed
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
    final CopyBothStream openCopyBoth(String sql) {
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
    final byte[] readCopyData(CopyBothStream stream, Duration timeout) {
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
    final void writeCopyData(CopyBothStream stream, byte[] data) {
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
    final void closeCopyBoth(CopyBothStream stream) {
        if (transport.isClosed()) {
            return;
        }
        transport.withIo(() -> stream.end(core.encoder()));
        if (!async) {
            requireHeld();
            await();
        }
    }

    /**
     * Whether this thread holds the connection.
     *
     * @return true inside {@link #holdForOperation()}, or any operation, on this thread
     */
    protected final boolean isHeldByCurrentThread() {
        return operationLock.isHeldByCurrentThread();
    }

    private void requireHeld() {
        if (!operationLock.isHeldByCurrentThread()) {
            throw new IllegalStateException("the stream methods run inside holdForOperation()");
        }
    }

    private void raiseStreamError(CopyBothStream stream) {
        if (stream.error() != null) {
            if (core.fatalError() != null) {
                // The server ended the session (FATAL): the socket's end may not be read yet, the session is over.
                closeAfterFailure();
            }
            throw stream.error();
        }
    }

    // ---- queries ----

    /** Runs {@code sql} (already formatted) for a cursor, opening a transaction first unless in autocommit. */
    QueryResult execute(String sql, Cursor cursor) {
        boolean pipelined = pipeline != null && cursor.name() == null;
        if (async) {
            return pipelined ? sendPipelinedAsync(sql, false, NO_PARAMS, cursor) : executeAsync(sql, cursor);
        }
        if (pipelined) {
            try (Lock ignored = enterForCommand(InPipeline.SEND)) {
                noteCommand(sql);
                if (pipeline != null) {
                    cursor.pend(sendPipelined(sql, false, List.<byte[][]>of(NO_PARAMS), true));
                    return null;
                }
                return runQuery(sql).result();
            }
        }
        return executeQuery(sql).result();
    }

    /** Runs {@code sql} (one or more statements) as {@link #execute} does; returns every statement's result. */
    List<QueryResult> executeAll(String sql) {
        refuseInAsync("executeAll");
        return executeQuery(sql).results();
    }

    /** For the slow-statement log and the LISTEN-outside-autocommit warning. */
    private void noteCommand(String sql) {
        commandText = sql;
        if (!autocommit && LISTEN.matcher(sql).lookingAt()) {
            listenUncommitted = true;
        }
    }

    private SimpleQueryOperation executeQuery(String sql) {
        try (Lock ignored = enterForCommand()) {
            noteCommand(sql);
            return runQuery(sql);
        }
    }

    /** Runs a simple query (after a pipelined BEGIN when one is needed); the caller holds the lock. */
    private SimpleQueryOperation runQuery(String sql) {
        // Pipelined with the statement: the BEGIN costs no extra round trip.
        SimpleQueryOperation begin = beginIfNeeded();
        SimpleQueryOperation query = new SimpleQueryOperation(sql);
        transport.submit(query);
        run(query);
        if (begin != null && begin.error() != null) {
            throw begin.error();
        }
        return query;
    }

    /**
     * Runs a COPY, inside a transaction unless in autocommit; returns its
     * command tag. The caller's streams are read and written here, between
     * waits, never inside a step: a slow stream holds up only this thread.
     */
    String copy(CopyOperation op, InputStream in, OutputStream out) {
        if (async) {
            throw new ProgrammingException("COPY from and to streams cannot be used in asynchronous mode: use AsyncCopy"
                    + " (in Kotlin, copyFromSuspending and copyToSuspending)");
        }
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
        return transport.readIo(op::takeReceived);
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

    /** The statements executePrepared and its kin keep prepared on the session. */
    private final PreparedStatements statements = new PreparedStatements();
    /** executePrepared's queries as rewritten for server-side parameters. */
    private final RewrittenQueries rewrites = new RewrittenQueries();
    /** The result shapes seen, by their fields: the columns each cursor shows. */
    private final java.util.Map<List<BackendMessage.Field>, ResultShape> shapes =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int SHAPES_LIMIT = 256;

    RewrittenQueries rewrites() {
        return rewrites;
    }

    /** The shape of results with {@code fields}, made once per connection (up to 256 shapes are kept). */
    ResultShape resultShape(List<BackendMessage.Field> fields) {
        ResultShape s = shapes.get(fields);
        if (s == null) {
            // Columns that come in binary show as they do in text: one description for both.
            List<BackendMessage.Field> text = ResultFormats.asText(fields);
            s = text == fields ? ResultShape.of(fields) : resultShape(text).as(fields);
            if (shapes.size() < SHAPES_LIMIT) {
                shapes.putIfAbsent(fields, s);
            }
        }
        return s;
    }

    /** The session's parameters as the server last reported them (a live view). */
    java.util.Map<String, String> sessionParameters() {
        return core.parameters();
    }

    /** How many statements are kept prepared, for tests. */
    int preparedStatementCount() {
        return statements.size();
    }

    /**
     * Runs one statement with server-side parameters, preparing it on first
     * use and reusing the server's plan after (up to 256 statements per
     * connection; past that, statements are parsed each time).
     */
    QueryResult executePrepared(String sql, byte[][] params, Cursor cursor) {
        boolean pipelined = pipeline != null;
        if (async && pipelined) {
            return sendPipelinedAsync(sql, true, params, cursor);
        }
        if (pipelined) {
            try (Lock ignored = enterForCommand(InPipeline.SEND)) {
                commandText = sql;
                if (pipeline != null) {
                    cursor.pend(sendPipelined(sql, true, List.<byte[][]>of(params), true));
                    return null;
                }
            }
        }
        return executePrepared(sql, params, null, true, cursor.resultFormats());
    }

    /** {@link #executePrepared(String, byte[][], int[], boolean)} with the server inferring every type. */
    QueryResult executePrepared(String sql, byte[][] params) {
        return executePrepared(sql, params, null, true);
    }

    /**
     * {@link #executePrepared(String, byte[][])} with the parameters' type OIDs for Parse (null: all left to
     * the server); unless {@code prepare}, a statement not prepared yet is parsed unnamed, for this execution
     * only (the JDBC layer's prepareThreshold).
     */
    QueryResult executePrepared(String sql, byte[][] params, int[] types, boolean prepare) {
        return executePrepared(sql, params, types, prepare, null);
    }

    /**
     * {@link #executePrepared(String, byte[][], int[], boolean)} whose result columns come in the formats
     * {@code formats} chooses once the statement is described (null: all text).
     */
    private QueryResult executePrepared(String sql, byte[][] params, int[] types, boolean prepare,
                                        ResultFormats formats) {
        refuseInAsync("executePrepared outside a pipeline");
        try (Lock ignored = enterForCommand()) {
            commandText = sql;
            SimpleQueryOperation begin = beginIfNeeded();
            ExtendedQueryOperation op;
            try {
                op = runPrepared(sql, types, prepare, params, null, null, formats);
            } catch (PgException e) {
                // The server lost the statement (DEALLOCATE) or its plan now returns other columns (a table
                // changed: 0A000). Its Bind failed, so nothing ran: outside a transaction it is safe to prepare
                // it again and retry at once, as pgjdbc does; inside one the transaction is already aborted.
                if (!isStalePlan(e) || core.transactionStatus() != 'I') {
                    throw e;
                }
                op = runPrepared(sql, types, prepare, params, null, null, formats);
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
        return executePreparedBatch(sql, rows, null, true, null);
    }

    /**
     * {@link #executePreparedBatch(String, List)} with type OIDs and the prepare choice of
     * {@link #executePrepared(String, byte[][], int[], boolean)}; each execution's row count goes to
     * {@code counts} (when not null) as it completes, failed or not, so a caller learns how far it got.
     */
    long executePreparedBatch(String sql, java.util.List<byte[][]> rows, int[] types, boolean prepare,
                              long[] counts) {
        refuseInAsync("executeManyPrepared");
        try (Lock ignored = enterForCommand()) {
            SimpleQueryOperation begin = beginIfNeeded();
            ExtendedQueryOperation op = runPrepared(sql, types, prepare, null, rows, counts, null);
            if (begin != null && begin.error() != null) {
                throw begin.error();
            }
            return op.rowCount();
        }
    }

    /** Parses {@code sql} unnamed and describes it, executing nothing: its parameter types and columns. */
    ExtendedQueryOperation describe(String sql, int[] types) {
        refuseInAsync("describe");
        try (Lock ignored = enterForCommand()) {
            ExtendedQueryOperation op = ExtendedQueryOperation.describe(sql, types);
            transport.submit(op);
            run(op);
            return op;
        }
    }

    /**
     * Runs {@code sql} once with {@code params}, or once per row of {@code rows}, as the statement prepared
     * for it (preparing it first when it is not on the server, unnamed when it is not to be kept), and keeps
     * the cache in step: a statement whose Parse failed is forgotten, one the server lost or can no longer
     * run is parsed again next time. Each execution's row count goes to {@code counts} (when not null) as
     * far as they completed, also when one failed. A single execution of a kept statement asks for its columns
     * in the formats {@code formats} chooses (null: all text).
     */
    private ExtendedQueryOperation runPrepared(String sql, int[] types, boolean prepare, byte[][] params,
                                               List<byte[][]> rows, long[] counts, ResultFormats formats) {
        statements.forgetIfDropped(core.statementsDropped());
        ServerStatement statement = statements.get(sql, types);
        if (statement == null && prepare) {
            statement = statements.add(sql, types);
        }
        ExtendedQueryOperation op;
        if (statement == null) {
            op = rows == null ? ExtendedQueryOperation.unnamed(sql, params, types)
                    : ExtendedQueryOperation.unnamedBatch(sql, rows, types);
        } else {
            op = rows == null ? ExtendedQueryOperation.single(statement, params, formats)
                    : ExtendedQueryOperation.batch(statement, rows);
        }
        transport.submit(op);
        try {
            run(op);
        } catch (PgException e) {
            if (statement != null && isStalePlan(e)) {
                statement.stale();
            }
            throw e;
        } finally {
            if (statement != null && op.parses() && !op.parsed()) {
                statements.remove(statement);
            }
            if (counts != null) {
                long[] done = op.rowCounts();
                System.arraycopy(done, 0, counts, 0, Math.min(done.length, counts.length));
            }
        }
        return op;
    }

    // ---- pipelines ----

    private static final byte[][] NO_PARAMS = new byte[0][];
    /** Output a pipeline collects before it writes (libpq's way: a syscall per statement costs more than it saves). */
    private static final int PIPELINE_SEND_AT = 16 * 1024;
    /** Output a pipeline may hold before a send waits for it to leave (reading the replies meanwhile). */
    private static final int PIPELINE_OUTPUT_LIMIT = 256 * 1024;
    /** executeMany outside a pipeline syncs its own after this many executions: a round trip per 10,000. */
    private static final int MANY_SYNC_EVERY = 10_000;

    /**
     * Enters pipeline mode (see {@link Pipeline}); close the pipeline
     * (try-with-resources) to leave it.
     *
     * @return the open pipeline
     * @throws ProgrammingException when a pipeline is already open, or a command is in progress
     * @throws InterfaceException if the connection is closed
     */
    public Pipeline pipeline() {
        if (async) {
            ensureOpen();
            if (asyncQuery != null || core.hasInFlight()) {
                throw new ProgrammingException("another command is already in progress: "
                        + "poll() the asynchronous connection until OK first");
            }
            return openPipeline();
        }
        try (Lock ignored = enterForCommand(InPipeline.SEND)) {
            return openPipeline();
        }
    }

    private Pipeline openPipeline() {
        if (pipeline != null) {
            throw new ProgrammingException("a pipeline is already open on this connection");
        }
        Pipeline p = new Pipeline(this);
        pipeline = p;
        return p;
    }

    void syncPipeline(Pipeline p) {
        if (p.isClosed() || pipeline != p) {
            throw new ProgrammingException("the pipeline is closed");
        }
        if (async) {
            startAsyncSync(p);
            return;
        }
        try (Lock ignored = enterForCommand(InPipeline.SEND)) {
            drainPipeline(true);
        }
    }

    void closePipeline(Pipeline p) {
        if (p.isClosed()) {
            return;
        }
        try {
            if (!transport.isClosed()) {
                syncPipeline(p);
            }
        } finally {
            p.markClosed();
            if (pipeline == p) {
                pipeline = null;
            }
        }
    }

    /**
     * Sends a Sync and waits until everything before it is answered; raises
     * the first error no cursor raised, unless {@code raise} is false (it then
     * stays for the next sync). Nothing to do when nothing went out since the last.
     */
    private void drainPipeline(boolean raise) {
        Pipeline p = pipeline;
        if (p == null || !p.unsynced) {
            return;
        }
        SyncOperation sync = new SyncOperation();
        p.unsynced = false;
        transport.submit(sync);
        await();
        PgException e = finishSync(p, sync.error(), raise);
        if (e != null) {
            throw e;
        }
    }

    /** A pipeline's Sync was answered, so everything before it was: the server's transaction status holds again. */
    private PgException finishSync(Pipeline p, PgException syncError, boolean raise) {
        beginPipelined = false;
        if (raise) {
            return p.takeUnreported(syncError);
        }
        if (syncError != null) {
            p.noteError(syncError);
        }
        return null;
    }

    /** On an asynchronous connection: sends the Sync; poll() until OK delivers the results and raises the error. */
    private void startAsyncSync(Pipeline p) {
        if (asyncQuery != null) {
            throw new ProgrammingException("another command is already in progress: "
                    + "poll() the asynchronous connection until OK first");
        }
        ensureOpen();
        if (!p.unsynced) {
            return;
        }
        SyncOperation sync = new SyncOperation();
        p.unsynced = false;
        transport.submit(sync);
        asyncQuery = new AsyncQuery(sync, null, p);
        transport.step();
    }

    /**
     * Waits for a cursor's pipelined result: asking for it before it is
     * answered syncs the pipeline. Errors of other statements stay for
     * sync()/close() (or their own cursors).
     */
    void awaitPipelined(Pipeline.Result r) {
        if (r.isComplete()) {
            return;
        }
        if (async) {
            throw new ProgrammingException("the pipelined statement is not answered yet: "
                    + "sync() the pipeline and poll() until OK first");
        }
        try (Lock ignored = enterForCommand(InPipeline.SEND)) {
            drainPipeline(false);
        }
        if (!r.isComplete()) {
            throw new InterfaceException("the pipelined statement was not answered");
        }
    }

    /**
     * On an asynchronous connection: into the pipeline, the output sent as far
     * as the socket takes it now; poll() until OK sends the rest.
     */
    private QueryResult sendPipelinedAsync(String sql, boolean prepare, byte[][] params, Cursor cursor) {
        ensureOpen();
        if (asyncQuery != null) {
            throw new ProgrammingException("another command is already in progress: "
                    + "poll() the asynchronous connection until OK first");
        }
        cursor.pend(sendPipelined(sql, prepare, List.<byte[][]>of(params), true));
        return null;
    }

    /** One statement into the open pipeline, its result for the cursor. */
    private Pipeline.Result sendPipelined(String sql, boolean prepare, List<byte[][]> rows, boolean keepResult) {
        Pipeline.Result result = new Pipeline.Result(pipeline, keepResult);
        sendPipelined(sql, prepare, rows, keepResult, result);
        return result;
    }

    /**
     * Sends statements into the open pipeline without waiting for the
     * replies: a BEGIN first when one is due (outside autocommit), then
     * {@code sql} once per row of parameters, as a statement prepared once per
     * connection when {@code prepare}. Past {@link #PIPELINE_OUTPUT_LIMIT} of
     * unsent output it waits until the socket has taken it.
     */
    private void sendPipelined(String sql, boolean prepare, List<byte[][]> rows, boolean keepResult,
            Pipeline.Result into) {
        Pipeline p = pipeline;
        beginIfDue(p);
        submitPipelined(p, sql, prepare, rows, keepResult, into);
        flushPipeline();
    }

    /** Outside autocommit, a BEGIN (unnamed) into the pipeline when no transaction is open or on its way. */
    private boolean beginIfDue(Pipeline p) {
        if (autocommit || beginPipelined || core.transactionStatus() != 'I') {
            return false;
        }
        submitPipelined(p, session.beginStatement(), false, List.<byte[][]>of(NO_PARAMS), false, null);
        beginPipelined = true;
        return true;
    }

    private void submitPipelined(Pipeline p, String sql, boolean prepare, List<byte[][]> rows, boolean keepResult,
            Pipeline.Result into) {
        ServerStatement statement = null;
        if (prepare) {
            statements.forgetIfDropped(core.statementsDropped());
            statement = statements.get(sql, null);
            if (statement == null) {
                // Used at once by the statements that follow: if its Parse fails, the server skips them too.
                statement = statements.add(sql, null);
            }
        }
        ServerStatement prepared = statement;
        java.util.function.Consumer<ExtendedQueryOperation> onComplete = done -> {
            if (prepared != null && done.parses() && !done.parsed()) {
                statements.remove(prepared);
            } else if (prepared != null && isStalePlan(done.error())) {
                prepared.stale();
            }
            if (into != null) {
                into.completed(done);
            } else if (done.error() != null) {
                p.noteError(done.error());
            }
        };
        ExtendedQueryOperation op = statement == null
                ? ExtendedQueryOperation.unnamedPipelined(sql, rows, keepResult, onComplete)
                : ExtendedQueryOperation.pipelined(statement, rows, keepResult, onComplete);
        enqueue(p, op, into);
    }

    /** Puts {@code op} into the pipeline, its answer counted for {@code into} (when not null). */
    private void enqueue(Pipeline p, ExtendedQueryOperation op, Pipeline.Result into) {
        if (into != null) {
            into.sent(op);
        }
        p.unsynced = true;
        transport.submit(op);
    }

    /** A plan the server dropped or can no longer use (the table changed): prepare it again next time. */
    private static boolean isStalePlan(PgException e) {
        return e != null && ("26000".equals(e.sqlState()) || "0A000".equals(e.sqlState()));
    }

    /**
     * Once {@link #PIPELINE_SEND_AT} has collected, sends what the pipeline has
     * written as far as the socket takes it now, reading what has arrived (a
     * sync sends the rest). Past the output limit it waits (through the wait
     * callback) until all has left: a WRITE wait also wakes on READ, and
     * reading lets a server blocked on writing its replies read ours again.
     */
    private void flushPipeline() {
        if (transport.pendingOutput() < PIPELINE_SEND_AT) {
            return;
        }
        try {
            transport.step();
        } catch (RuntimeException | Error e) {
            closeAfterFailure();
            throw e;
        }
        if (!async && transport.pendingOutput() > PIPELINE_OUTPUT_LIMIT) {
            await();
        }
    }

    /**
     * executeMany and executeManyPrepared: each {@link #send} goes into the
     * open pipeline (the cursor's result then arrives with it), or into one of
     * their own that syncs every {@link #MANY_SYNC_EVERY} executions and at
     * {@link #finish}. In autocommit their own pipeline gives each send its
     * own transaction, BEGIN and COMMIT pipelined around it: the sends before
     * a failure stay committed and those after it are skipped, as when each
     * ran on its own.
     *
     * <p>executeMany's rows bound on the server ({@link #sendBound}) share the
     * unnamed statement: parsed once, then only bound and executed for as long
     * as nothing else parses the unnamed statement; for them BEGIN and COMMIT
     * are prepared statements, which leave it alone.
     */
    final class Many implements AutoCloseable {
        /** The savepoint a probe inside a transaction block runs in. */
        private static final String PROBE_SAVEPOINT = "pgreen_executemany_probe";
        private final Cursor cursor;
        private final boolean prepare;
        private final Pipeline own;
        private final boolean alone;
        private final Pipeline.Result result;
        private int sinceSync;
        /** What the unnamed statement holds as the last bound send parsed it; null once anything else may have. */
        private String unnamedSql;
        private int[] unnamedTypes;

        Many(Cursor cursor, boolean prepare) {
            this.cursor = cursor;
            this.prepare = prepare;
            Pipeline open = pipeline;
            this.own = open == null ? pipeline() : null;
            // A transaction the caller opened by hand in autocommit is theirs: the sends run inside it.
            this.alone = own != null && autocommit && core.transactionStatus() == 'I';
            this.result = new Pipeline.Result(open == null ? own : open, false);
        }

        void send(String sql, List<byte[][]> rows) {
            try (Lock ignored = enterForCommand(InPipeline.SEND)) {
                Pipeline p = openPipeline();
                unnamedSql = null;
                if (alone) {
                    submitPipelined(p, "BEGIN", false, List.<byte[][]>of(NO_PARAMS), false, null);
                    submitPipelined(p, sql, prepare, rows, false, result);
                    submitPipelined(p, "COMMIT", false, List.<byte[][]>of(NO_PARAMS), false, null);
                    flushPipeline();
                } else {
                    sendPipelined(sql, prepare, rows, false, result);
                }
                sent(rows.size());
            }
        }

        /** The pipeline the sends go into. */
        private Pipeline openPipeline() {
            Pipeline p = pipeline;
            if (p == null || (own != null && p != own)) {
                throw new ProgrammingException("the pipeline was closed during executeMany");
            }
            return p;
        }

        /** Counts executions sent; every {@link #MANY_SYNC_EVERY} of its own pipeline, syncs and raises the first error. */
        private void sent(int executions) {
            sinceSync += executions;
            if (own != null && sinceSync >= MANY_SYNC_EVERY) {
                sinceSync = 0;
                drainPipeline(false);
                raiseError();
            }
        }

        private void raiseError() {
            PgException e = result.takeError();
            if (e != null) {
                throw e;
            }
        }

        /** Whether {@link #probe} can ask the server: only in a pipeline of its own, which it may sync. */
        boolean canProbe() {
            return own != null;
        }

        /**
         * Whether the server takes {@code sql} with parameters of {@code types}: its Parse and Describe, waited
         * for (syncing what was sent before; an error of theirs is raised). Inside a transaction block it runs
         * in a savepoint, rolled back to when the server refuses, so that a refusal leaves the transaction as
         * it was; outside one (autocommit) it fails alone in the server's implicit transaction.
         */
        boolean probe(String sql, int[] types) {
            try (Lock ignored = enterForCommand(InPipeline.SEND)) {
                Pipeline p = openPipeline();
                unnamedSql = null;
                Pipeline.Result savepoint = alone ? null : new Pipeline.Result(p, false);
                if (savepoint != null) {
                    beginIfDue(p);
                    submitPipelined(p, "SAVEPOINT " + PROBE_SAVEPOINT, false, List.<byte[][]>of(NO_PARAMS), false,
                            savepoint);
                }
                Pipeline.Result probe = new Pipeline.Result(p, false);
                enqueue(p, ExtendedQueryOperation.describePipelined(sql, types, probe::completed), probe);
                drainPipeline(false);
                raiseError();
                PgException refused = probe.takeError();
                if (savepoint != null && savepoint.takeError() == null) {
                    if (refused != null) {
                        submitPipelined(p, "ROLLBACK TO SAVEPOINT " + PROBE_SAVEPOINT, false,
                                List.<byte[][]>of(NO_PARAMS), false, result);
                    }
                    submitPipelined(p, "RELEASE SAVEPOINT " + PROBE_SAVEPOINT, false, List.<byte[][]>of(NO_PARAMS),
                            false, result);
                }
                return refused == null;
            }
        }

        /**
         * Executes the unnamed statement of {@code sql} (parsed with {@code types} unless it is already
         * there) once per row of parameters; in autocommit each row in a transaction of its own.
         */
        void sendBound(String sql, int[] types, List<byte[][]> rows) {
            try (Lock ignored = enterForCommand(InPipeline.SEND)) {
                Pipeline p = openPipeline();
                if (alone) {
                    for (byte[][] row : rows) {
                        boolean kept = control(p, "BEGIN");
                        submitBound(p, sql, types, List.<byte[][]>of(row));
                        kept &= control(p, "COMMIT");
                        if (!kept) {
                            unnamedSql = null;
                        }
                    }
                } else {
                    if (beginIfDue(p)) {
                        unnamedSql = null;
                    }
                    submitBound(p, sql, types, rows);
                }
                flushPipeline();
                sent(rows.size());
            }
        }

        /** One operation of bound rows, with the Parse it needs. */
        private void submitBound(Pipeline p, String sql, int[] types, List<byte[][]> rows) {
            boolean parsed = sql.equals(unnamedSql) && java.util.Arrays.equals(types, unnamedTypes);
            enqueue(p, ExtendedQueryOperation.unnamedPipelined(parsed ? null : sql, types, rows, result::completed),
                    result);
            unnamedSql = sql;
            unnamedTypes = types;
        }

        /** BEGIN or COMMIT as a prepared statement; false when the cache was full and it went unnamed. */
        private boolean control(Pipeline p, String sql) {
            submitPipelined(p, sql, true, List.<byte[][]>of(NO_PARAMS), false, null);
            return statements.get(sql, null) != null;
        }

        /** The rows affected in all, raising the first error; in the caller's pipeline, -1 (the cursor's result comes later). */
        long finish() {
            if (own == null) {
                cursor.pend(result);
                return -1;
            }
            try (Lock ignored = enterForCommand(InPipeline.SEND)) {
                drainPipeline(false);
            }
            PgException e = result.takeError();
            if (e != null) {
                throw e;
            }
            return result.rowCount();
        }

        /** Leaves the own pipeline (synced: what was sent runs), rolling back the transaction a failure left open. */
        @Override
        public void close() {
            if (own == null || own.isClosed()) {
                return;
            }
            try {
                if (!transport.isClosed()) {
                    try (Lock ignored = enterForCommand(InPipeline.SEND)) {
                        drainPipeline(false);
                        if (alone && core.transactionStatus() != 'I') {
                            runInternal("ROLLBACK");
                        }
                    }
                }
            } finally {
                own.markClosed();
                if (pipeline == own) {
                    pipeline = null;
                }
            }
        }
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

    // ---- COPY on asynchronous connections (AsyncCopy) ----

    /** Sends a COPY on an asynchronous connection; {@link #poll()} then drives it, as a query. */
    void startAsyncCopy(CopyOperation op) {
        if (!async) {
            throw new ProgrammingException("AsyncCopy needs an asynchronous connection: "
                    + "use Cursor.copyFrom, copyTo or copyExpert on this one");
        }
        if (asyncQuery != null || core.hasInFlight()) {
            throw new ProgrammingException("another command is already in progress: "
                    + "poll() the asynchronous connection until OK first");
        }
        ensureOpen();
        Duration timeout = statementTimeout;
        statementDeadline = timeout == null ? 0 : System.nanoTime() + timeout.toNanos();
        transport.submit(op);
        asyncQuery = new AsyncQuery(op, null);
        transport.step();
    }

    /** Runs a step of a COPY's caller (supplying input, taking rows) under the I/O lock. */
    void copyIo(java.util.function.Consumer<dev.pgreen.protocol.FrontendEncoder> step) {
        ensureOpen();
        transport.withIo(() -> step.accept(core.encoder()));
    }

    // ---- streams of rows (Cursor.stream) ----

    /**
     * Sends a query whose rows are handed over as they arrive, inside a
     * transaction unless in autocommit, and waits for its first rows (or its
     * end). The operation stays in flight, refusing other commands, until it
     * has been read to the end or {@link #closeStream closed}. A single query's columns come in the formats
     * {@code formats} chooses (see {@link StreamOperation#of}; null: all text).
     */
    StreamOperation openStream(String sql, ResultFormats formats) {
        refuseInAsync("stream");
        try (Lock ignored = enterForCommand()) {
            commandText = sql;
            SimpleQueryOperation begin = beginIfNeeded();
            StreamOperation op = StreamOperation.of(sql, formats);
            transport.submit(op);
            await();
            if (begin != null && begin.error() != null) {
                throw begin.error();
            }
            return op;
        }
    }

    /** The rows (and row descriptions) that arrived, waiting for some when none has; empty once complete. */
    List<Object> pullStream(StreamOperation op) {
        try (Lock ignored = enter()) {
            List<Object> taken = takeStreamed(op);
            if (taken.isEmpty() && !op.isComplete()) {
                await();
                taken = takeStreamed(op);
            }
            return taken;
        }
    }

    private List<Object> takeStreamed(StreamOperation op) {
        return transport.readIo(op::take);
    }

    /**
     * Stops a stream before its end, as psycopg 3 does: the rest is dropped,
     * the statement cancelled on the server (inside a transaction, that fails
     * the transaction), and the connection read up to the server's end of it.
     */
    void closeStream(StreamOperation op) {
        if (op.isComplete() || transport.isClosed()) {
            return;
        }
        try (Lock ignored = enter()) {
            transport.withIo(op::discard);
            if (!op.isComplete()) {
                startCancel();
                await();
            }
        }
    }

    /** Runs a statement of the driver's own, outside the transaction logic. */
    private void runInternal(String sql) {
        SimpleQueryOperation op = new SimpleQueryOperation(sql);
        transport.submit(op);
        run(op);
    }

    /**
     * Commits the transaction in progress (psycopg2's {@code commit}); nothing happens outside a
     * transaction or in autocommit.
     *
     * @throws ProgrammingException on an asynchronous connection
     * @throws InterfaceException if the connection is closed
     * @throws PgException the server's error (a deferred constraint, a serialization failure); the
     *     transaction is then rolled back
     */
    public void commit() {
        endTransaction("COMMIT", "commit");
    }

    /**
     * Rolls the transaction in progress back (psycopg2's {@code rollback}); nothing happens outside a
     * transaction or in autocommit.
     *
     * @throws ProgrammingException on an asynchronous connection
     * @throws InterfaceException if the connection is closed
     */
    public void rollback() {
        endTransaction("ROLLBACK", "rollback");
    }

    private void endTransaction(String sql, String what) {
        refuseInAsync(what);
        // A rollback after a failed pipeline must not fail on that failure: it stays for sync()/close().
        try (Lock ignored = enterForCommand(sql.equals("ROLLBACK") ? InPipeline.SYNC_QUIETLY : InPipeline.SYNC)) {
            if (!autocommit && core.transactionStatus() != 'I') {
                runInternal(sql);
            }
            listenUncommitted = false;
        }
    }

    /**
     * Switches autocommit (psycopg2's {@code autocommit}): on, every statement commits on its own; off
     * (the default), the first statement opens a transaction that lasts until {@link #commit()} or
     * {@link #rollback()}.
     *
     * @param autocommit true for autocommit
     * @throws ProgrammingException inside a transaction, or on an asynchronous connection (always in autocommit)
     * @throws InterfaceException if the connection is closed
     */
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

    /**
     * Whether the connection is in autocommit.
     *
     * @return true in autocommit (always, for an asynchronous or a replication connection)
     */
    public boolean isAutocommit() {
        return autocommit;
    }

    /**
     * Sets the characteristics of the transactions to come (psycopg2's {@code set_session}); a null argument
     * leaves that one unchanged. Outside autocommit they go into each BEGIN; in autocommit they become the
     * session's defaults.
     *
     * @param level the isolation level, {@link IsolationLevel#DEFAULT} for the server's, or null
     * @param readOnly whether transactions are READ ONLY, or null
     * @param deferrable whether serializable read-only transactions are DEFERRABLE, or null
     * @throws ProgrammingException inside a transaction, or on an asynchronous connection
     * @throws InterfaceException if the connection is closed
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

    /**
     * The isolation level of {@link #setSession} (psycopg2's {@code isolation_level}).
     *
     * @return the level, {@link IsolationLevel#DEFAULT} when none was set
     */
    public IsolationLevel isolationLevel() {
        IsolationLevel level = session.isolationLevel();
        return level == null ? IsolationLevel.DEFAULT : level;
    }

    /**
     * The read-only setting of {@link #setSession} (psycopg2's {@code readonly}).
     *
     * @return the setting, or null for the server's default
     */
    public Boolean readOnly() {
        return session.readOnly();
    }

    /**
     * The deferrable setting of {@link #setSession} (psycopg2's {@code deferrable}).
     *
     * @return the setting, or null for the server's default
     */
    public Boolean deferrable() {
        return session.deferrable();
    }

    /**
     * Back to a clean state (psycopg2's {@code reset()}): the transaction in
     * progress is rolled back, the session characteristics return to the
     * server's defaults, and autocommit is off.
     *
     * @throws ProgrammingException on an asynchronous connection
     * @throws InterfaceException if the connection is closed
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

    /**
     * A client-side cursor (psycopg2's {@code cursor()}), made by the connection's cursor factory if it has one.
     *
     * @return a new cursor
     * @throws InterfaceException if the connection is closed
     */
    public Cursor cursor() {
        ensureOpen();
        CursorFactory<?> f = cursorFactory;
        return f == null ? new Cursor(this, null) : f.create(this, null);
    }

    /**
     * A named (server-side) cursor (psycopg2's {@code cursor(name)}): DECLAREd on execute, its rows fetched
     * in batches as they are read. Outside autocommit it lives as long as its transaction, unless WITH HOLD.
     *
     * @param name the cursor's name on the server; null gives a client-side cursor, as {@link #cursor()}
     * @return a new cursor
     * @throws ProgrammingException if {@code name} is empty, or on an asynchronous connection
     * @throws InterfaceException if the connection is closed
     */
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

    /**
     * A client-side cursor made by {@code factory} (psycopg2's {@code cursor(cursor_factory=...)}), e.g.
     * {@code conn.cursor(LoggingCursor::new)}.
     *
     * @param <T> the type of cursor
     * @param factory makes the cursor; null uses the connection's own, as {@link #cursor()}
     * @return the new cursor
     * @throws InterfaceException if the connection is closed
     */
    @SuppressWarnings("unchecked")
    public <T extends Cursor> T cursor(CursorFactory<T> factory) {
        if (factory == null) {
            // psycopg2: cursor(cursor_factory=None) uses the connection's factory.
            return (T) cursor();
        }
        ensureOpen();
        return factory.create(this, null);
    }

    /**
     * Sets the factory {@link #cursor()} and {@link #cursor(String)} use (psycopg2's {@code cursor_factory}).
     *
     * @param factory the factory, or null for plain {@link Cursor}s
     */
    public void setCursorFactory(CursorFactory<?> factory) {
        this.cursorFactory = factory;
    }

    /**
     * The factory {@link #cursor()} uses.
     *
     * @return the factory {@link #setCursorFactory} set, or null
     */
    public CursorFactory<?> cursorFactory() {
        return cursorFactory;
    }

    // ---- lifecycle ----

    /**
     * Sends a CancelRequest for the statement in progress, on a separate
     * connection, and returns once it is written (at most
     * {@link PollingWait#CANCEL_GRACE}); the operation in progress, or else the
     * next one, does not go on before the server has received it, so it can
     * never cancel a later statement. Callable from any thread, harmless when
     * nothing runs. From inside the operation's own wait callback it only starts the
     * request, which the wait then finishes ({@link #requestCancel()}).
     * During {@link #awaitNotifies} it ends the wait instead.
     *
     * @throws OperationalException when the request could not be delivered in time
     * @throws InterfaceException if the connection is closed
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
        if (req.isDone()) {
            pendingCancel.compareAndSet(req, null);
        }
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
            LOG.log(System.Logger.Level.DEBUG, "sending a cancel request for backend {0}", pid);
            c = CancelRequest.start(settings, transport.remoteAddress(), pid, core.secretKey());
            pendingCancel.set(c);
            return c;
        } finally {
            cancelLock.unlock();
        }
    }

    /**
     * Sends a cancel request on this thread, with a selector of its own, within the grace: connects and
     * writes it. Waiting for the server to close the cancel connection is left to the operation's own
     * waits (they finish it before the operation returns) or to the next operation, which finishes it first.
     */
    private static void deliver(CancelRequest req) {
        long deadline = req.startedAt() + PollingWait.CANCEL_GRACE.toNanos();
        // An interrupt would make every select return at once: it is the caller's, restored afterwards.
        boolean interrupted = Thread.interrupted();
        try (Selector sel = Selector.open()) {
            for (PollState s = req.step(); s != PollState.OK && s != PollState.READ; s = req.step()) {
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
        // Between two connect attempts the socket at hand may be a closed one while the next is opening.
        if (transport.isClosed() && connecting == null) {
            return;
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "closing " + this);
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
                ConnectAttempts attempts = connecting;
                if (attempts != null) {
                    // An asynchronous connect that another thread may be polling.
                    attempts.abort("the connection was closed while connecting");
                }
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
        LOG.log(System.Logger.Level.DEBUG, () -> "aborting " + this + ": " + reason);
        ConnectAttempts attempts = connecting;
        if (attempts != null) {
            attempts.abort(reason);
        }
        transport.abort(reason);
        closeResources();
    }

    private void closeAfterFailure() {
        transport.close();
        closeResources();
    }

    /**
     * The connection's selector and a cancel request left on its way: closing them wakes their waiters. The
     * caches of the session go with it; the statement cache, which the operation in progress uses, only on
     * the thread that holds the connection (an aborted operation's own failure comes back here).
     */
    private void closeResources() {
        selector.close();
        CancelRequest c = pendingCancel.getAndSet(null);
        if (c != null) {
            c.close();
        }
        rewrites.clear();
        shapes.clear();
        if (operationLock.isHeldByCurrentThread()) {
            statements.clear();
        }
    }

    /**
     * Whether the connection is closed (psycopg2's {@code closed}): by {@link #close()}, by a failed
     * connect, by a fatal server error, or by a wait callback that raised.
     *
     * @return true once closed
     */
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

    /**
     * What the connection was asked to connect to.
     *
     * @return the parsed DSN it was made with
     */
    public ConnectInfo info() {
        return info;
    }

    /**
     * The DSN (psycopg2's {@code dsn}).
     *
     * @return the DSN as given, its password shown as {@code xxx}
     */
    public String dsn() {
        return info.dsn();
    }

    /**
     * Whether the connection is asynchronous (psycopg2's {@code async}).
     *
     * @return true for a connection from {@link Pgreen#connectAsync}
     */
    public boolean isAsync() {
        return async;
    }

    /**
     * Whether an asynchronous query, or the asynchronous connect, is still under way (psycopg2's
     * {@code isexecuting()}).
     *
     * @return true until {@link #poll()} has returned OK for it
     */
    public boolean isExecuting() {
        return asyncQuery != null;
    }

    /** Whether the asynchronous query under way is {@code cursor}'s. */
    boolean isExecutingFor(Cursor cursor) {
        AsyncQuery q = asyncQuery;
        return q != null && q.cursor() == cursor;
    }

    /**
     * The server's transaction state (psycopg2's {@code get_transaction_status()}).
     *
     * @return the state as of the last ReadyForQuery; {@link TransactionStatus#ACTIVE} while a command is in
     *     flight; {@link TransactionStatus#UNKNOWN} once closed
     */
    public TransactionStatus transactionStatus() {
        if (transport.isClosed()) {
            return TransactionStatus.UNKNOWN;
        }
        Pipeline p = pipeline;
        if (core.hasInFlight() || (p != null && p.unsynced)) {
            return TransactionStatus.ACTIVE;
        }
        return switch (core.transactionStatus()) {
            case 'T' -> TransactionStatus.INTRANS;
            case 'E' -> TransactionStatus.INERROR;
            default -> TransactionStatus.IDLE;
        };
    }

    /**
     * The server's version as an integer (psycopg2's {@code server_version}, libpq's {@code PQserverVersion}).
     *
     * @return e.g. 150018 for 15.18 and 90624 for 9.6.24; 0 before the connection is established
     */
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

    /**
     * A parameter the server reported (psycopg2's {@code get_parameter_status}): {@code server_version},
     * {@code server_encoding}, {@code TimeZone}, {@code standard_conforming_strings}, ...
     *
     * @param name the parameter's name
     * @return its latest value, or null when the server has not reported it
     */
    public String parameterStatus(String name) {
        return core.parameters().get(name);
    }

    /**
     * The process ID of the server backend serving the connection (psycopg2's {@code get_backend_pid()}).
     *
     * @return the PID, as {@link Notify#pid()} and {@code pg_stat_activity} show it
     */
    public int backendPid() {
        return core.backendPid();
    }

    /** The receive and send buffers' capacities, {receive, send}: what the session keeps while idle. For tests. */
    int[] bufferCapacities() {
        int[] capacities = new int[2];
        transport.withIo(() -> {
            capacities[0] = core.decoder().capacity();
            capacities[1] = core.encoder().capacity();
        });
        return capacities;
    }

    /**
     * The notices and warnings the server sent (psycopg2's {@code notices}); a warning is never raised.
     *
     * @return at most the last 50, oldest first, each as libpq formats it, e.g. {@code "NOTICE:  text\n"}
     */
    public List<String> notices() {
        return events.notices();
    }

    /**
     * Where received notifications go (psycopg2's {@code notifies}): every NotificationResponse is added to
     * it, by whatever operation or {@link #poll()} reads it.
     *
     * @return the sink; a mutable {@code ArrayList} unless {@link #setNotifies} replaced it
     */
    public Collection<Notify> notifies() {
        return events.notifies();
    }

    /**
     * Replaces where received notifications go: any collection, such as an {@code ArrayDeque} or a
     * {@code BlockingQueue} another thread takes from.
     *
     * @param sink the collection notifications are added to
     */
    public void setNotifies(Collection<Notify> sink) {
        events.setNotifies(sink);
    }

    /**
     * Sets the connection's own wait callback, used instead of the global one from its next wait.
     *
     * @param cb the callback, or null for the global one ({@link Pgreen#setWaitCallback})
     */
    public void setWaitCallback(WaitCallback cb) {
        this.waitCallback = cb;
    }

    /**
     * The connection's own wait callback.
     *
     * @return the callback {@link #setWaitCallback} set, or null when the global one applies
     */
    public WaitCallback waitCallback() {
        return waitCallback;
    }

    TypeRegistry types() {
        return types;
    }

    /** The socket layer, for {@link SharedConnection}, which submits statements under its I/O lock. */
    Transport transport() {
        return transport;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "(" + info.dsn() + (isClosed() ? ", closed" : "") + ")";
    }
}
