package dev.pgreen.kotlin

import dev.pgreen.Connection
import dev.pgreen.TransactionStatus
import dev.pgreen.errors.InterfaceException
import dev.pgreen.errors.OperationalException
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CancellationException
import kotlinx.coroutines.NonCancellable
import kotlinx.coroutines.suspendCancellableCoroutine
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import java.util.ArrayDeque
import java.util.Collections
import java.util.IdentityHashMap
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock
import kotlin.coroutines.resume
import kotlin.time.Duration
import kotlin.time.Duration.Companion.seconds

/**
 * A pool of at most [maxSize] asynchronous connections to [dsn] for coroutines: acquiring suspends, never
 * blocks a thread.
 *
 * ```
 * val pool = PgPool("postgresql://app@127.0.0.1/shop", maxSize = 8)
 * val n = pool.withConnection { conn -> conn.cursor().executeSuspending("SELECT count(*) FROM fruit").fetchOne()!!.get(0) }
 * pool.close()
 * ```
 *
 * - **Fair**: callers that have to wait queue in arrival order, and a returned connection goes straight to
 *   the first of them, so a newcomer never overtakes a waiter.
 * - **Bounded**: never more than [maxSize] connections open or being opened; connections are opened on
 *   demand, the first time no idle one is there.
 * - **Acquire timeout**: a caller that waited [acquireTimeout] gets [PoolTimeoutException], which says how
 *   many connections were in use and how many callers waited.
 * - **Validated**: an idle connection is checked before it is handed out, without a round trip (a
 *   non-blocking read sees a backend that was terminated or a socket the server closed); a broken or closed
 *   one is closed and replaced for the same caller.
 * - **Clean on return**: a connection returned inside a transaction (open or failed) is rolled back; one
 *   that cannot be (or is closed, or still runs a query of its own) is closed, and the next caller that
 *   needs one opens a replacement.
 *
 * Only a [ReentrantLock] around the pool's bookkeeping, never held across a connect, a statement or a
 * suspension.
 */
public class PgPool(
    /** Where the connections go: any DSN [connectSuspending] takes. */
    public val dsn: String,
    /** The most connections open at once (idle, borrowed or being opened). */
    public val maxSize: Int = 10,
    /** How long [acquire] waits for a connection before it raises [PoolTimeoutException]. */
    public val acquireTimeout: Duration = 30.seconds,
) : AutoCloseable {
    init {
        require(maxSize >= 1) { "maxSize must be at least 1: $maxSize" }
        require(acquireTimeout.isPositive()) { "acquireTimeout must be positive: $acquireTimeout" }
    }

    private val lock = ReentrantLock()
    /** Idle connections, most recently returned first. Guarded by lock. */
    private val idle = ArrayDeque<Connection>()
    /** Borrowed connections, so a stranger or a second return is refused. Guarded by lock. */
    private val borrowed: MutableSet<Connection> = Collections.newSetFromMap(IdentityHashMap())
    /** Callers waiting, in arrival order; cancelled ones are skipped when met. Guarded by lock. */
    private val waiters = ArrayDeque<Waiter>()
    private val pending = AtomicInteger()
    /** Connections open or being opened: idle + borrowed + opening. Guarded by lock. */
    private var size = 0
    private var peakSize = 0
    private var opened = 0L
    private var closedCount = 0L
    @Volatile
    private var closed = false

    /** What a caller is handed: a connection, the right to open one (a unit of size reserved), or the pool's end. */
    private sealed interface Grant {
        class Idle(val conn: Connection) : Grant
        object Open : Grant
        object Closed : Grant
    }

    /** A waiting caller: WAITING until granted (by a returning caller) or cancelled (by its own coroutine). */
    private class Waiter(val cont: CancellableContinuation<Grant>) {
        val state = AtomicInteger(WAITING)
        @Volatile
        var grant: Grant? = null
    }

    /**
     * Suspends until a connection is free (FIFO among waiting callers) and returns it, validated; opens one
     * when none is idle and the pool is below [maxSize]. Return it with [release], or use [withConnection].
     *
     * Cancellation: a caller cancelled while waiting leaves the queue with nothing borrowed (a connection
     * handed to it at that very moment goes to the next caller); cancelled while a connection is being
     * opened for it, that half-open connection is closed.
     *
     * @throws PoolTimeoutException when no connection was free within [acquireTimeout]
     * @throws InterfaceException when the pool is closed
     * @throws OperationalException when a new connection cannot be opened
     */
    public suspend fun acquire(): Connection {
        var grant: Grant = lock.withLock { immediateGrantLocked() } ?: waitForGrant()
        while (true) {
            when (val g = grant) {
                Grant.Closed -> throw InterfaceException("the pool is closed")
                Grant.Open -> return openFor()
                is Grant.Idle -> {
                    val conn = g.conn
                    if (isUsable(conn)) return conn
                    // Broken while idle: replaced for this caller, whose unit of size carries over to the new one.
                    lock.withLock { borrowed.remove(conn); closedCount++ }
                    conn.closeQuietly()
                    grant = Grant.Open
                }
            }
        }
    }

    /**
     * Gives a connection from [acquire] back. One inside a transaction is rolled back first (under
     * [NonCancellable], at most 5 s); one that is closed, still running a query, or cannot be rolled back is
     * closed instead, and its place goes to the next caller to open a new one.
     *
     * @throws IllegalArgumentException for a connection this pool did not hand out (or one already returned)
     */
    public suspend fun release(conn: Connection) {
        lock.withLock {
            require(borrowed.contains(conn)) { "this connection is not borrowed from this pool: $conn" }
        }
        val keep = withContext(NonCancellable) { clean(conn) }
        var discard = !keep
        val next = lock.withLock {
            borrowed.remove(conn)
            discard = discard || closed
            if (!discard) {
                handOffLocked(Grant.Idle(conn)) ?: run { idle.addFirst(conn); null }
            } else {
                size--
                closedCount++
                roomFreedLocked()
            }
        }
        if (discard) conn.closeQuietly()
        next?.let { (w, g) -> w.cont.resume(g) }
    }

    /**
     * Runs [block] with a connection from [acquire] and returns it ([release]) afterwards, whatever happens;
     * returns what [block] returned.
     *
     * Cancellation: while waiting, as [acquire]; inside [block], the statement running is cancelled on the
     * server (see [executeSuspending]), then the connection is returned (rolled back if in a transaction).
     */
    public suspend fun <T> withConnection(block: suspend (Connection) -> T): T {
        val conn = acquire()
        try {
            return block(conn)
        } finally {
            withContext(NonCancellable) { release(conn) }
        }
    }

    /**
     * [withConnection] and [transaction] in one: `pool.transaction { execute("INSERT ...") }` runs the block
     * inside `BEGIN` ... `COMMIT` on a pooled connection.
     *
     * Cancellation: as [transaction] (the transaction is rolled back), then the connection is returned.
     */
    public suspend fun <T> transaction(block: suspend TransactionScope.(Connection) -> T): T =
        withConnection { it.transaction(block) }

    /** A snapshot of the pool's counters. */
    public fun stats(): PoolStats = lock.withLock {
        PoolStats(size, idle.size, borrowed.size, pending.get(), maxSize, peakSize, opened, closedCount)
    }

    /** Whether [close] was called. */
    public val isClosed: Boolean get() = closed

    /**
     * Closes the pool: the idle connections at once, the borrowed ones as they are returned; callers waiting
     * for a connection fail at once with [InterfaceException], and so do later ones.
     */
    override fun close() {
        val toClose: List<Connection>
        val toFail: List<Waiter>
        lock.withLock {
            if (closed) return
            closed = true
            toClose = idle.toList()
            idle.clear()
            size -= toClose.size
            closedCount += toClose.size
            toFail = waiters.filter { it.state.compareAndSet(WAITING, GRANTED) }.onEach { it.grant = Grant.Closed }
            waiters.clear()
        }
        toClose.forEach { it.closeQuietly() }
        toFail.forEach { it.cont.resume(Grant.Closed) }
    }

    override fun toString(): String = "PgPool(${stats()})"

    // ---- internals ----

    private fun immediateGrantLocked(): Grant? {
        if (closed) return Grant.Closed
        if (pending.get() > 0) return null // FIFO: whoever waits already goes first
        idle.pollFirst()?.let { borrowed.add(it); return Grant.Idle(it) }
        if (size < maxSize) {
            size++
            peakSize = maxOf(peakSize, size)
            return Grant.Open
        }
        return null
    }

    private suspend fun waitForGrant(): Grant {
        var waiter: Waiter? = null
        val grant = try {
            withTimeoutOrNull(acquireTimeout) {
                suspendCancellableCoroutine<Grant> { cont ->
                    val w = Waiter(cont)
                    waiter = w
                    val now = lock.withLock {
                        // Checked again under the lock: a connection may have come back since.
                        val g = immediateGrantLocked()
                        if (g == null) {
                            waiters.addLast(w)
                            pending.incrementAndGet()
                        }
                        g
                    }
                    if (now != null) {
                        w.state.set(GRANTED)
                        w.grant = now
                        cont.resume(now)
                    } else {
                        // Fast and lock-free: the queue drops a cancelled waiter when it meets it.
                        cont.invokeOnCancellation { if (w.state.compareAndSet(WAITING, CANCELLED)) pending.decrementAndGet() }
                    }
                }
            }
        } catch (e: CancellationException) {
            giveBackIfGranted(waiter)
            throw e
        }
        if (grant == null) {
            giveBackIfGranted(waiter)
            val s = stats()
            throw PoolTimeoutException("no connection free in the pool within $acquireTimeout: ${s.borrowed} of " +
                "${s.maxSize} in use, ${s.pending} callers waiting (a larger maxSize, or shorter borrows?)")
        }
        return grant
    }

    /** A grant that reached a caller who no longer wants it (cancelled or timed out just then) goes to the next. */
    private fun giveBackIfGranted(w: Waiter?) {
        if (w == null || w.state.get() != GRANTED) return
        val next = lock.withLock {
            when (val g = w.grant) {
                is Grant.Idle -> {
                    borrowed.remove(g.conn)
                    if (closed) { size--; closedCount++; null } else handOffLocked(g) ?: run { idle.addFirst(g.conn); null }
                }
                Grant.Open -> { size--; roomFreedLocked() }
                else -> null
            }
        }
        val g = w.grant
        if (closed && g is Grant.Idle) g.conn.closeQuietly()
        next?.let { (nw, ng) -> nw.cont.resume(ng) }
    }

    /** The first live waiter, granted [g] (resumed by the caller, outside the lock), or null when none waits. */
    private fun handOffLocked(g: Grant): Pair<Waiter, Grant>? {
        while (true) {
            val w = waiters.pollFirst() ?: return null
            if (w.state.compareAndSet(WAITING, GRANTED)) {
                pending.decrementAndGet()
                w.grant = g
                if (g is Grant.Idle) borrowed.add(g.conn)
                return w to g
            }
        }
    }

    /** A unit of size was freed: the first waiter, if any, may open a connection. */
    private fun roomFreedLocked(): Pair<Waiter, Grant>? {
        if (closed || size >= maxSize || waiters.isEmpty()) return null
        val next = handOffLocked(Grant.Open) ?: return null
        size++
        peakSize = maxOf(peakSize, size)
        return next
    }

    /** Opens a connection in a unit of size reserved for the caller; the unit is freed if that fails. */
    private suspend fun openFor(): Connection {
        val conn = try {
            connectSuspending(dsn)
        } catch (e: Throwable) {
            val next = lock.withLock { size--; roomFreedLocked() }
            next?.let { (w, g) -> w.cont.resume(g) }
            throw e
        }
        val accepted = lock.withLock {
            if (closed) {
                size--
                false
            } else {
                opened++
                borrowed.add(conn)
                true
            }
        }
        if (!accepted) {
            conn.closeQuietly()
            throw InterfaceException("the pool is closed")
        }
        return conn
    }

    /** No round trip: reads what the server sent while the connection idled (a terminated backend fails here). */
    private fun isUsable(conn: Connection): Boolean {
        if (conn.isClosed) return false
        return try {
            conn.poll()
            !conn.isClosed && !conn.isExecuting
        } catch (_: RuntimeException) {
            false
        }
    }

    /** Brings a returned connection back to idle; false when it has to be closed instead. */
    private suspend fun clean(conn: Connection): Boolean {
        if (conn.isClosed || conn.isExecuting) return false
        return when (conn.transactionStatus()) {
            TransactionStatus.IDLE -> true
            TransactionStatus.INTRANS, TransactionStatus.INERROR -> try {
                withTimeout(5.seconds) { conn.cursor().use { it.executeSuspending("ROLLBACK") } }
                conn.transactionStatus() == TransactionStatus.IDLE
            } catch (_: Exception) {
                false
            }
            else -> false
        }
    }

    private fun Connection.closeQuietly() {
        try {
            close()
        } catch (_: Exception) {
            // closing a connection the pool gives up on: nothing more to do about it
        }
    }

    private companion object {
        const val WAITING = 0
        const val GRANTED = 1
        const val CANCELLED = 2
    }
}

/**
 * A snapshot of a [PgPool].
 *
 * @property size connections open or being opened (idle + borrowed + opening)
 * @property idle connections waiting in the pool
 * @property borrowed connections handed out
 * @property pending callers waiting for a connection
 * @property maxSize the bound on [size]
 * @property peakSize the largest [size] so far
 * @property opened connections opened since the pool was created
 * @property closed connections closed since the pool was created (broken, not clean on return, or at close)
 */
public data class PoolStats(
    public val size: Int,
    public val idle: Int,
    public val borrowed: Int,
    public val pending: Int,
    public val maxSize: Int,
    public val peakSize: Int,
    public val opened: Long,
    public val closed: Long,
)

/** No connection became free in a [PgPool] within its acquire timeout. */
public class PoolTimeoutException(message: String) : OperationalException(message)
