@file:JvmName("PgreenStreams")

package dev.pgreen.kotlin

import dev.pgreen.Connection
import dev.pgreen.Cursor
import dev.pgreen.Row
import dev.pgreen.TransactionStatus
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.withContext
import java.util.concurrent.atomic.AtomicLong

private val streamIds = AtomicLong()

/**
 * The rows of [sql] (`%s` placeholders filled from [args]) in bounded memory: when collected, the query runs
 * as a server-side cursor (`DECLARE ... NO SCROLL CURSOR`) whose rows are fetched [fetchSize] at a time
 * (`FETCH FORWARD`), each batch emitted before the next is asked for. Only one batch is ever in memory,
 * where [queryFlow] and [rowsFlow] hold the whole result.
 *
 * A cursor lives in a transaction. Outside [transaction], the flow opens one (`BEGIN`), holds the
 * connection's turn until it ends (other coroutines' statements on the connection wait), and ends it when
 * the flow does: `COMMIT` once every row was emitted, `ROLLBACK` when the collection stopped early, failed
 * or was cancelled. Do not run other statements on the connection from the collector there (they would need
 * the turn the stream holds: [dev.pgreen.errors.ProgrammingException]). Inside [transaction] the cursor
 * lives in that transaction and is closed (`CLOSE`) when the flow ends, and the collector may run
 * statements on the connection between rows.
 *
 * Cancellation: cancelling the collector (or stopping early, `take(n)`, `first()`) while it handles a row
 * closes the cursor and, outside [transaction], rolls its transaction back; during a `FETCH` that statement
 * is cancelled on the server first (see [executeSuspending]). The connection is idle and usable when the
 * collector sees the exception.
 *
 * @throws dev.pgreen.errors.ProgrammingException on a synchronous connection
 * @throws IllegalArgumentException when [fetchSize] is below 1
 */
public fun Connection.streamFlow(sql: String, vararg args: Any?, fetchSize: Int = 1000): Flow<Row> {
    require(fetchSize >= 1) { "fetchSize must be at least 1: $fetchSize" }
    val conn = this
    return flow {
        requireAsync(conn, "streamFlow")
        val name = "pgreen_stream_${streamIds.incrementAndGet()}"
        if (conn.isHeldHere()) {
            // Inside transaction { }: its turn, taken statement by statement, as the block's others.
            var declared = false
            try {
                conn.cursor().use { it.executeSuspending("DECLARE $name NO SCROLL CURSOR FOR $sql", *args) }
                declared = true
                conn.cursor().use { cur ->
                    do {
                        val n = cur.executeSuspending("FETCH FORWARD $fetchSize FROM $name").emitAll(this)
                    } while (n == fetchSize)
                }
            } finally {
                if (declared) withContext(NonCancellable) { conn.closeCursorQuietly(name, inTurn = false) }
            }
        } else {
            // The stream's own transaction, its turn held throughout: its statements run within that turn.
            conn.withTurn {
                currentCoroutineContext().ensureActive()
                val own = conn.transactionStatus() == TransactionStatus.IDLE
                var completed = false
                try {
                    if (own) conn.cursor().use { it.executeInTurn("BEGIN") }
                    conn.cursor().use { it.executeInTurn("DECLARE $name NO SCROLL CURSOR FOR $sql", *args) }
                    conn.cursor().use { cur ->
                        do {
                            val n = cur.executeInTurn("FETCH FORWARD $fetchSize FROM $name").emitAll(this)
                        } while (n == fetchSize)
                    }
                    completed = true
                } finally {
                    withContext(NonCancellable) {
                        if (own) {
                            conn.endQuietly(if (completed) "COMMIT" else "ROLLBACK")
                        } else {
                            conn.closeCursorQuietly(name, inTurn = true)
                        }
                    }
                }
            }
        }
    }
}

/** Emits this cursor's rows; returns how many. */
private suspend fun Cursor.emitAll(collector: kotlinx.coroutines.flow.FlowCollector<Row>): Int {
    var n = 0
    while (true) {
        val row = fetchOne() ?: return n
        n++
        collector.emit(row)
    }
}

/** [executeSuspending] for a caller that holds the connection's turn already. */
private suspend fun Cursor.executeInTurn(sql: String, vararg args: Any?): Cursor {
    currentCoroutineContext().ensureActive()
    execute(sql, *args)
    connection().pollUntilOk()
    return this
}

/** Ends the stream's own transaction; when that fails the connection is closed rather than left inside it. */
private suspend fun Connection.endQuietly(sql: String) {
    if (isClosed) return
    try {
        if (transactionStatus() != TransactionStatus.IDLE) cursor().use { it.executeInTurn(sql) }
    } catch (e: Exception) {
        if (e is CancellationException) throw e
        if (transactionStatus() != TransactionStatus.IDLE) close()
    }
}

/** Closes the server-side cursor in the caller's transaction, when that is still usable. */
private suspend fun Connection.closeCursorQuietly(name: String, inTurn: Boolean) {
    if (isClosed || transactionStatus() != TransactionStatus.INTRANS) return
    try {
        cursor().use { if (inTurn) it.executeInTurn("CLOSE $name") else it.executeSuspending("CLOSE $name") }
    } catch (e: Exception) {
        if (e is CancellationException) throw e
        // The transaction failed meanwhile: its end takes the cursor with it.
    }
}
