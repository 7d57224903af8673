@file:JvmName("PgreenCopy")

package dev.pgreen.kotlin

import dev.pgreen.AsyncCopy
import dev.pgreen.Connection
import dev.pgreen.errors.PgException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.ensureActive
import kotlinx.coroutines.flow.Flow
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.flowOn
import kotlinx.coroutines.withContext
import java.io.InputStream
import java.io.OutputStream

/** How much of an [InputStream] one piece of COPY input holds. */
private const val COPY_CHUNK = 64 * 1024

/**
 * Runs [sql], a `COPY ... FROM STDIN`, on this asynchronous connection, feeding it the bytes of [input] (in
 * the COPY's format, split anyhow: a row may span pieces); returns the rows copied. Memory stays bounded: the
 * next piece is collected only once the previous one is on its way, so a slow server slows [input] down.
 * It takes the connection's turn (see [executeSuspending]) for the whole COPY.
 *
 * A server error (a malformed row, a constraint) stops the COPY as soon as the server reports it: nothing is
 * copied, [input] is cancelled, the driver's exception for its SQLSTATE is raised, and the connection is
 * usable. An exception from [input] abandons the COPY (CopyFail: nothing copied) and is rethrown.
 *
 * Cancellation: the COPY is abandoned (CopyFail; the server rolls it back) and the connection read until
 * the server has answered, under [NonCancellable], then the [CancellationException] is rethrown; the
 * connection is idle and usable.
 */
public suspend fun Connection.copyFromSuspending(sql: String, input: Flow<ByteArray>): Long {
    requireAsync(this, "copyFromSuspending")
    return withTurn {
        currentCoroutineContext().ensureActive()
        val copy = AsyncCopy.from(this, sql)
        try {
            driveToOk()
            input.collect { piece ->
                // Not wanted any more: the server ended the COPY with an error, which the next poll raises.
                if (!copy.wantsInput()) driveCopyToEnd(copy)
                if (piece.isNotEmpty()) {
                    copy.write(piece)
                    driveToOk()
                }
            }
            if (copy.wantsInput()) copy.end()
            driveCopyToEnd(copy)
        } catch (e: Throwable) {
            abandon(copy, e)
            throw e
        }
        copy.rowCount()
    }
}

/**
 * [copyFromSuspending] reading [input] (closed by the caller) on [Dispatchers.IO], 64 KiB at a time, so its
 * blocking reads never hold up the coroutine's own dispatcher.
 *
 * Cancellation: as the [Flow] variant; [input] is left where the last read stopped.
 */
public suspend fun Connection.copyFromSuspending(sql: String, input: InputStream): Long =
    copyFromSuspending(sql, flow {
        val buf = ByteArray(COPY_CHUNK)
        while (true) {
            val n = input.read(buf)
            if (n < 0) break
            if (n > 0) emit(buf.copyOf(n))
        }
    }.flowOn(Dispatchers.IO))

/**
 * Runs [sql], a `COPY ... TO STDOUT`, on this asynchronous connection and hands its output to [output] as it
 * arrives, one piece per socket read (whole rows, in order); returns the rows copied. [output] runs before
 * the next read, so a slow consumer slows the server down and memory stays bounded. It takes the
 * connection's turn (see [executeSuspending]) for the whole COPY.
 *
 * An exception from [output] stops the COPY (it is cancelled on the server and the rest of its output
 * read and dropped) and is rethrown; a server error is raised as the driver's exception for its SQLSTATE.
 *
 * Cancellation: the COPY is cancelled on the server, the connection read (dropping the rest of the output)
 * until the server has answered, under [NonCancellable], then the [CancellationException] is rethrown; the
 * connection is idle and usable.
 */
public suspend fun Connection.copyToSuspending(sql: String, output: suspend (ByteArray) -> Unit): Long {
    requireAsync(this, "copyToSuspending")
    return withTurn {
        currentCoroutineContext().ensureActive()
        val copy = AsyncCopy.to(this, sql)
        try {
            while (true) {
                driveToOk()
                val rows = copy.takeReceived()
                if (rows.isNotEmpty()) output(concat(rows))
                if (copy.isComplete()) break
            }
        } catch (e: Throwable) {
            abandon(copy, e)
            throw e
        }
        copy.rowCount()
    }
}

/**
 * [copyToSuspending] writing to [output] (flushed, not closed) on [Dispatchers.IO], so its blocking writes
 * never hold up the coroutine's own dispatcher.
 *
 * Cancellation: as the lambda variant; what was written stays written.
 */
public suspend fun Connection.copyToSuspending(sql: String, output: OutputStream): Long {
    val rows = copyToSuspending(sql) { piece -> withContext(Dispatchers.IO) { output.write(piece) } }
    withContext(Dispatchers.IO) { output.flush() }
    return rows
}

/**
 * The output of [sql], a `COPY ... TO STDOUT`, as a flow of pieces (whole rows, one piece per socket read),
 * run when collected ([copyToSuspending]). The collector must not run statements on this connection while
 * it collects (the COPY holds the connection: [dev.pgreen.errors.ProgrammingException]).
 *
 * Cancellation: cancelling the collector (or stopping early) cancels the COPY on the server and reads the
 * connection until it has answered; the connection is idle and usable.
 */
public fun Connection.copyToFlow(sql: String): Flow<ByteArray> = flow {
    copyToSuspending(sql) { emit(it) }
}

// ---- internals ----

/** poll() until the COPY is complete; the server's error, if it ended with one, is raised by the last poll(). */
private suspend fun Connection.driveCopyToEnd(copy: AsyncCopy) {
    while (!copy.isComplete()) {
        driveToOk()
        copy.takeReceived()
    }
}

/**
 * The COPY's caller failed or was cancelled: stop it on the server (CopyFail for input, a cancel request for
 * output), then read until the server has answered, under NonCancellable, so the connection is idle again.
 * The server's answer (the COPY's failure) is expected; past the cancel grace the connection closed itself.
 */
private suspend fun Connection.abandon(copy: AsyncCopy, cause: Throwable) {
    if (copy.isComplete() || isClosed) return
    withContext(NonCancellable) {
        try {
            if (copy.wantsInput()) {
                copy.fail(if (cause is CancellationException) "the coroutine was cancelled" else "the input failed: $cause")
            } else {
                requestCancel()
            }
            driveCopyToEnd(copy)
        } catch (e: PgException) {
            if (e !== cause && isClosed) cause.addSuppressed(e)
        }
    }
}

private fun concat(pieces: List<ByteArray>): ByteArray {
    if (pieces.size == 1) return pieces[0]
    val out = ByteArray(pieces.sumOf { it.size })
    var at = 0
    for (p in pieces) {
        p.copyInto(out, at)
        at += p.size
    }
    return out
}
