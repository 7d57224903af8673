@file:JvmName("PgreenSuspending")

package dev.pgreen.kotlin

import dev.pgreen.Connection
import dev.pgreen.Cursor
import dev.pgreen.Notify
import dev.pgreen.Pgreen
import dev.pgreen.Pipeline
import dev.pgreen.PollState
import dev.pgreen.Row
import dev.pgreen.TransactionStatus
import dev.pgreen.errors.InternalException
import dev.pgreen.errors.PgException
import dev.pgreen.errors.ProgrammingException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.emitAll
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeoutOrNull
import java.nio.channels.SelectableChannel
import java.util.Queue
import kotlin.time.Duration
import kotlin.time.Duration.Companion.milliseconds

/**
 * Opens an asynchronous connection ([Pgreen.connectAsync]) and suspends until
 * it is established; every wait on the socket suspends on the shared
 * [SelectorWaiter], so no thread blocks. The connection is in autocommit, as
 * every asynchronous connection: use [transaction] for a transaction.
 *
 * `connect_timeout` in [dsn] is honoured, name resolution included: a host
 * name is resolved on the driver's resolver thread while this suspends.
 *
 * Cancellation: the half-open connection is closed and the
 * [CancellationException] is rethrown; nothing is left behind.
 *
 * @throws dev.pgreen.errors.OperationalException when the server cannot be reached or refuses the login
 * @throws ProgrammingException for a malformed DSN
 */
public suspend fun connectSuspending(dsn: String): Connection {
    currentCoroutineContext().ensureActive()
    val conn = Pgreen.connectAsync(dsn)
    try {
        conn.driveToOk()
    } catch (e: Throwable) {
        conn.closeQuietly()
        throw e
    }
    return conn
}

/**
 * Runs [sql] (`%s` placeholders, as [Cursor.execute]) on this cursor's
 * asynchronous connection and suspends until the result is in; returns this
 * cursor, ready for `fetchOne`/`fetchAll`/[rowsFlow]. A server error is raised
 * as the driver's exception for its SQLSTATE (`DataException` for 22012, ...)
 * and leaves the connection usable.
 *
 * Cancellation: the statement is cancelled on the server (a CancelRequest, sent
 * through suspending waits, repeated every second while the statement runs on),
 * the connection is read until the server has answered (under [NonCancellable],
 * at most 10 s, after which the connection is closed), then the
 * [CancellationException] is rethrown. The connection is idle
 * and usable at once; inside [transaction] the transaction is then failed and
 * is rolled back by it.
 *
 * Inside [pipeline] it suspends only until the statement has been sent; its
 * result comes with the next sync.
 *
 * Coroutines sharing the connection take turns, first come first served: this
 * suspends while another coroutine's statement runs (or its [transaction] is
 * open), instead of failing. Cancelled while waiting for its turn, it just
 * stops waiting: nothing was sent.
 *
 * @throws ProgrammingException on a synchronous connection (use it with [connectSuspending]), or when a
 *   query started without this module (`Cursor.execute`) is still under way on the connection
 */
public suspend fun Cursor.executeSuspending(sql: String, vararg args: Any?): Cursor {
    val conn = requireAsync(connection(), "executeSuspending")
    conn.withTurn {
        currentCoroutineContext().ensureActive()
        execute(sql, *args)
        conn.pollUntilOk()
    }
    return this
}

/**
 * As the vararg [executeSuspending], with `%(name)s` placeholders filled from [args].
 *
 * Cancellation: the statement is cancelled on the server and the connection
 * drained until the server answered, then the [CancellationException] is
 * rethrown; the connection stays usable.
 */
public suspend fun Cursor.executeSuspending(sql: String, args: Map<String, *>): Cursor {
    val conn = requireAsync(connection(), "executeSuspending")
    conn.withTurn {
        currentCoroutineContext().ensureActive()
        execute(sql, args)
        conn.pollUntilOk()
    }
    return this
}

/**
 * Drives the asynchronous operation under way ([Connection.poll]) until `OK`,
 * suspending on the shared [SelectorWaiter] whenever the server has to answer;
 * returns at once when nothing is under way. This is what [executeSuspending]
 * does after sending; use it after operations of your own (a replication
 * `startReplication` on an async connection, say).
 *
 * Cancellation: when a statement is under way it is cancelled on the server
 * and the connection drained (as [executeSuspending]), then the
 * [CancellationException] is rethrown.
 */
public suspend fun Connection.pollUntilOk() {
    try {
        driveToOk()
    } catch (e: CancellationException) {
        cancelAndDrain(e)
        throw e
    }
}

/**
 * Runs [block] inside a transaction: `BEGIN`, then the block, then `COMMIT`;
 * `conn.transaction { execute("UPDATE ...") }` runs statements through its
 * [TransactionScope] receiver, `conn.transaction { c -> ... }` gets the
 * connection as before;
 * `ROLLBACK` instead when the block throws (the exception is rethrown, a failed
 * rollback added to it as suppressed). Returns what the block returned.
 * Asynchronous connections are in autocommit, so the statements are sent as
 * written; transactions do not nest (a savepoint is yours to write).
 *
 * When the block caught a server error itself, the server has failed the
 * transaction: it is rolled back and [InternalException] (SQLSTATE 25P02, as
 * the server's "current transaction is aborted") is raised instead of a commit.
 *
 * The transaction holds the connection's turn from `BEGIN` to the end: other
 * coroutines' statements on the connection wait until it is over, while the
 * block's own (and those of coroutines it starts) take turns among themselves.
 *
 * Cancellation: a statement in progress is cancelled on the server (see
 * [executeSuspending]), the transaction is rolled back under [NonCancellable],
 * and the [CancellationException] is rethrown; the connection is idle and usable.
 * Cancelled while waiting for the connection's turn, it just stops waiting.
 */
public suspend fun <T> Connection.transaction(block: suspend TransactionScope.(Connection) -> T): T {
    requireAsync(this, "transaction")
    return withConnectionHeld { runTransaction(block) }
}

private suspend fun <T> Connection.runTransaction(block: suspend TransactionScope.(Connection) -> T): T {
    if (transactionStatus() != TransactionStatus.IDLE) {
        throw ProgrammingException("transaction() needs an idle connection; it is ${transactionStatus()}" +
            " (transactions do not nest: use a SAVEPOINT inside the block)")
    }
    runStatement("BEGIN")
    val result = try {
        TransactionScope(this).block(this)
    } catch (e: Throwable) {
        rollbackAfter(e)
        throw e
    }
    if (transactionStatus() == TransactionStatus.INERROR) {
        val failed = InternalException("the transaction failed inside the block (a server error was caught there)" +
            " and was rolled back")
        rollbackAfter(failed)
        throw failed
    }
    try {
        runStatement("COMMIT")
    } catch (e: Throwable) {
        // A cancelled COMMIT may leave the transaction open: never leave it so.
        rollbackAfter(e)
        throw e
    }
    return result
}

/**
 * Runs [block] in pipeline mode ([Connection.pipeline]) on this asynchronous
 * connection: inside it, `execute`/`executePrepared` on the connection's
 * cursors send at once without waiting for the server, and
 * [executeSuspending] suspends only until the statement has left (never for
 * its result). [syncSuspending] waits for the results of everything sent so
 * far; the block's end syncs too and leaves pipeline mode, then the results
 * are on the cursors. Returns what the block returned.
 *
 * A server error is raised by the cursor of the statement that caused it when
 * that cursor is read, else by the next sync (or here, at the end); the
 * statements after it up to that sync are skipped
 * ([dev.pgreen.errors.PipelineAbortedException] from their cursors).
 * Reading a cursor before its statement is answered raises [ProgrammingException]:
 * sync first.
 *
 * Cancellation: a sync in progress is cancelled on the server (see
 * [executeSuspending]), the pipeline is synced and left under
 * [NonCancellable], and the [CancellationException] is rethrown; the
 * connection is idle and usable.
 *
 * @throws ProgrammingException on a synchronous connection, or when a pipeline is already open
 */
public suspend fun <T> Connection.pipeline(block: suspend (Pipeline) -> T): T {
    requireAsync(this, "pipeline")
    // Other coroutines wait until the pipeline is closed: none slips a statement into it.
    return withConnectionHeld { runPipeline(block) }
}

private suspend fun <T> Connection.runPipeline(block: suspend (Pipeline) -> T): T {
    val p = pipeline()
    val result = try {
        block(p)
    } catch (e: Throwable) {
        withContext(NonCancellable) {
            try {
                p.close()
                driveToOk()
            } catch (e2: Throwable) {
                if (e2 !== e) e.addSuppressed(e2)
            }
        }
        throw e
    }
    p.close()
    pollUntilOk()
    return result
}

/**
 * Sends a Sync and suspends until everything sent into this pipeline so far
 * is answered; raises the first error no cursor raised (see [pipeline]).
 *
 * Cancellation: the statement running is cancelled on the server and the
 * connection read until the server answered, then the
 * [CancellationException] is rethrown; the pipeline stays open and usable.
 */
public suspend fun Pipeline.syncSuspending() {
    currentCoroutineContext().ensureActive()
    val conn = connection()
    conn.withTurn {
        sync()
        conn.pollUntilOk()
    }
}

/**
 * Suspends until a notification (LISTEN/NOTIFY) arrives on this asynchronous
 * connection or [timeout] passes; removes and returns the oldest one from
 * [Connection.notifies] (which may hold some already), or null at the timeout.
 * Run `LISTEN channel` first (with [executeSuspending]).
 *
 * Cancellation: the wait ends at once with [CancellationException]; nothing was
 * sent to the server, so nothing is cancelled there and the connection stays usable.
 *
 * Its reads take turns with the connection's statements (see [executeSuspending]):
 * while another coroutine's statement runs, it waits for that to end.
 *
 * @throws ProgrammingException on a synchronous connection (use [Connection.awaitNotifies] there), or while a
 *   query started without this module (`Cursor.execute`) is under way on the connection
 */
public suspend fun Connection.awaitNotification(timeout: Duration = Duration.INFINITE): Notify? {
    requireAsync(this, "awaitNotification")
    takeNotification()?.let { return it }
    return withTimeoutOrNull(timeout) {
        var found: Notify? = null
        while (found == null) {
            // In turn with the connection's statements (their polls also land notifications in notifies()).
            val state = withTurn {
                if (isExecuting) {
                    throw ProgrammingException("awaitNotification: a query is under way on the connection; finish it first")
                }
                // Reads what has arrived (notifications land in notifies()); nothing is sent.
                poll().also { found = takeNotification() }
            }
            if (found == null) {
                awaitReady(channel(), if (state == PollState.OK) PollState.READ else state)
            }
        }
        found
    }
}

/**
 * The notifications of this asynchronous connection, as they arrive
 * ([awaitNotification] in a loop); the flow never ends by itself.
 *
 * Cancellation: cancelling the collector ends the wait at once; the connection stays usable.
 */
public fun Connection.notificationsFlow(): Flow<Notify> = flow {
    while (true) {
        emit(awaitNotification() ?: continue)
    }
}

/**
 * The rows of this cursor's current result, one at a time ([Cursor.fetchOne]);
 * run [executeSuspending] first. Collecting consumes the rows (a second
 * collection gets what is left). On an asynchronous connection the whole
 * result is already in memory, so collecting never waits on the server.
 */
public fun Cursor.rowsFlow(): Flow<Row> = flow {
    while (true) {
        emit(fetchOne() ?: break)
    }
}

/**
 * Runs [sql] with [args] on a new cursor of this asynchronous connection when
 * collected and emits the result's rows; the cursor is closed afterwards.
 *
 * Cancellation: as [executeSuspending] while the query runs; afterwards the
 * rows are in memory and cancelling the collector just stops the emission.
 */
public fun Connection.queryFlow(sql: String, vararg args: Any?): Flow<Row> = flow {
    cursor().use { cur ->
        cur.executeSuspending(sql, *args)
        emitAll(cur.rowsFlow())
    }
}

/**
 * Suspends until [channel] is ready for [state] (see [SelectorWaiter.awaitReady]),
 * on the process-wide [SelectorWaiter]. Returns at once for `OK`.
 *
 * Cancellation: resumes at once with [kotlinx.coroutines.CancellationException]; the
 * registration is dropped, the channel is untouched.
 */
public suspend fun awaitReady(channel: SelectableChannel, state: PollState) {
    SelectorWaiter.shared().awaitReady(channel, state)
}

// ---- internals ----

internal fun requireAsync(conn: Connection, what: String): Connection {
    if (!conn.isAsync) {
        throw ProgrammingException("$what needs an asynchronous connection (connectSuspending or Pgreen.connectAsync);" +
            " a synchronous one blocks its thread in its wait callback")
    }
    return conn
}

/** poll() until OK, suspending for every READ or WRITE; a server error is raised by poll(). */
internal suspend fun Connection.driveToOk() {
    var state = poll()
    while (state != PollState.OK) {
        awaitReadyWithin(state)
        state = poll()
    }
}

/**
 * Suspends until [channel] is ready for [state], or until [Connection.waitTimeout]
 * passes: the connection then has something to do of its own (a statement timeout,
 * repeating a cancel request or giving up on it, a connect timeout).
 */
private suspend fun Connection.awaitReadyWithin(state: PollState) {
    val timeout = waitTimeout()
    if (timeout == null) {
        awaitReady(channel(), state)
    } else {
        withTimeoutOrNull(maxOf(1L, timeout.toMillis()).milliseconds) { awaitReady(channel(), state) }
    }
}

/**
 * The query under way was cancelled by the coroutine: a CancelRequest (sent
 * through the same suspending waits, never blocking a thread), then read until
 * the server has answered (57014, or the result if it won the race), so the
 * connection is idle again. The connection repeats the request while the
 * statement runs on, and closes itself when the server ignores it past
 * [dev.pgreen.PollingWait.CANCEL_GRACE].
 */
private suspend fun Connection.cancelAndDrain(cause: CancellationException) {
    if (isClosed || !isExecuting) {
        return
    }
    withContext(NonCancellable) {
        requestCancel()
        try {
            driveToOk()
        } catch (e: PgException) {
            // The server's answer to the cancel (57014) or the query's own error: done either way. Past the
            // grace the connection closed itself; the cancellation is what the caller hears of.
            if (isClosed) cause.addSuppressed(e)
        }
    }
}

/** Runs one statement of the helpers' own on a throwaway cursor. */
private suspend fun Connection.runStatement(sql: String) {
    cursor().use { it.executeSuspending(sql) }
}

/** ROLLBACK after [cause], under NonCancellable; a failure of the rollback is added to [cause]. */
private suspend fun Connection.rollbackAfter(cause: Throwable) {
    withContext(NonCancellable) {
        val status = if (isClosed) TransactionStatus.UNKNOWN else transactionStatus()
        if (status == TransactionStatus.INTRANS || status == TransactionStatus.INERROR) {
            try {
                runStatement("ROLLBACK")
            } catch (e: Throwable) {
                if (e !== cause) cause.addSuppressed(e)
            }
        }
    }
}

private fun Connection.takeNotification(): Notify? {
    val sink = notifies()
    if (sink is Queue<Notify>) {
        return sink.poll()
    }
    val it = sink.iterator()
    if (!it.hasNext()) return null
    val n = it.next()
    it.remove()
    return n
}

private fun Connection.closeQuietly() {
    try {
        close()
    } catch (_: Throwable) {
        // closing after a failure: the first failure is the one worth reporting
    }
}
