package dev.pgreen.kotlin

import dev.pgreen.Connection
import dev.pgreen.errors.ProgrammingException
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.Job
import kotlinx.coroutines.currentCoroutineContext
import kotlinx.coroutines.sync.Mutex
import kotlinx.coroutines.withContext
import java.util.WeakHashMap
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock
import kotlin.coroutines.AbstractCoroutineContextElement
import kotlin.coroutines.CoroutineContext

// Coroutines sharing an asynchronous connection take turns: one statement (or one held block, such as a
// transaction) at a time, first come first served (a kotlinx Mutex is fair), instead of the driver's
// "another command is already in progress".

/** The turn mutex of each connection; weak keys, so a forgotten connection takes its mutex with it. */
private val turns = WeakHashMap<Connection, Mutex>()
private val turnsLock = ReentrantLock()

private fun Connection.turnMutex(): Mutex = turnsLock.withLock { turns.getOrPut(this) { Mutex() } }

/**
 * The connections whose turn the current coroutine (and its children) holds for a whole block, each with
 * the mutex the block's own statements take turns on.
 */
private class HeldConnections(val held: Map<Connection, Mutex>) : AbstractCoroutineContextElement(Key) {
    companion object Key : CoroutineContext.Key<HeldConnections>
}

/**
 * Runs [block] in this connection's turn: waits (suspending, FIFO) until no other coroutine runs a statement
 * or holds the connection, then keeps others waiting until [block] returns. Inside [withConnectionHeld] of the
 * same connection the turn is among the block's own statements only.
 *
 * Cancellation while waiting: the wait ends and the turn is not taken (Mutex.lock releases a lock granted to
 * a cancelled waiter). Re-entering from the coroutine whose turn it is (a collector of a stream of this
 * connection running a statement on it) raises [ProgrammingException] instead of waiting for ever.
 */
internal suspend fun <T> Connection.withTurn(block: suspend () -> T): T {
    val context = currentCoroutineContext()
    val mutex = context[HeldConnections]?.held?.get(this) ?: turnMutex()
    val owner = context[Job]
    try {
        mutex.lock(owner)
    } catch (e: CancellationException) {
        throw e // a CancellationException is an IllegalStateException too
    } catch (e: IllegalStateException) {
        throw ProgrammingException("this coroutine already holds the connection (a stream of it is being collected" +
            " here?): finish that first, or run the statements inside transaction { }", e)
    }
    try {
        return block()
    } finally {
        mutex.unlock(owner)
    }
}

/**
 * Runs [block] holding this connection's turn throughout (a transaction): other coroutines wait until it
 * returns, while the statements of [block] (and of coroutines it starts) take turns among themselves.
 */
internal suspend fun <T> Connection.withConnectionHeld(block: suspend () -> T): T = withTurn {
    val outer = currentCoroutineContext()[HeldConnections]?.held ?: emptyMap()
    withContext(HeldConnections(outer + (this to Mutex()))) { block() }
}

/** Whether the current coroutine runs inside a block that holds this connection's turn (a [transaction]). */
internal suspend fun Connection.isHeldHere(): Boolean =
    currentCoroutineContext()[HeldConnections]?.held?.containsKey(this) == true
