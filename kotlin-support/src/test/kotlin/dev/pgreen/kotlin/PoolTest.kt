package dev.pgreen.kotlin

import dev.pgreen.TransactionStatus
import dev.pgreen.errors.InterfaceException
import dev.pgreen.testing.PgServerExtension
import dev.pgreen.testing.TestServer
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.cancelAndJoin
import kotlinx.coroutines.delay
import kotlinx.coroutines.isActive
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertNotEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import java.util.Collections
import java.util.concurrent.atomic.AtomicInteger
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

@ExtendWith(PgServerExtension::class)
class PoolTest {
    private val dsn: String = TestServer.get().dsn()

    private fun appDsn(app: String) = "$dsn application_name=$app"

    @Test
    fun `a thousand coroutines share eight connections, never more`() = runBlocking(Dispatchers.Default) {
        val app = "pgreen_pool_1000"
        PgPool(appDsn(app), maxSize = 8).use { pool ->
            connectSuspending(dsn).use { observer ->
                val seen = AtomicInteger()
                val watching = launch {
                    while (isActive) {
                        val n = observer.cursor().executeSuspending(
                            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", app).fetchOne()!!.get<Long>(0)
                        seen.accumulateAndGet(n.toInt(), ::maxOf)
                        delay(10)
                    }
                }
                val results = (1..1000).map { i ->
                    async { pool.withConnection { c -> c.cursor().executeSuspending("SELECT %s::int * 2", i).fetchOne()!!.get<Int>(0) } }
                }.awaitAll()
                // Joined before observer closes: a query still in flight would otherwise fail on the closed connection.
                watching.cancelAndJoin()
                assertEquals((1..1000).map { it * 2 }, results)
                val stats = pool.stats()
                assertTrue(stats.peakSize <= 8, "peak $stats")
                assertTrue(seen.get() in 1..8, "backends seen at once: ${seen.get()}")
                assertEquals(0, stats.borrowed)
                assertEquals(stats.size, stats.idle)
            }
        }
    }

    @Test
    fun `waiting callers are served in arrival order`() = runBlocking {
        PgPool(dsn, maxSize = 1).use { pool ->
            val held = pool.acquire()
            val order = Collections.synchronizedList(mutableListOf<Int>())
            // Each starts undispatched, so each is queued before the next one starts.
            val jobs = (1..10).map { i ->
                launch(start = CoroutineStart.UNDISPATCHED) {
                    pool.withConnection { c -> order += i; c.cursor().executeSuspending("SELECT 1") }
                }
            }
            assertEquals(10, pool.stats().pending)
            pool.release(held)
            jobs.joinAll()
            assertEquals((1..10).toList(), order)
        }
    }

    @Test
    fun `a connection whose backend was terminated is replaced`() = runBlocking {
        PgPool(dsn, maxSize = 1).use { pool ->
            val pid = pool.withConnection { it.backendPid() }
            connectSuspending(dsn).use { admin ->
                admin.cursor().executeSuspending("SELECT pg_terminate_backend(%s)", pid)
                withTimeout(5.seconds) {
                    while (admin.cursor().executeSuspending("SELECT count(*) FROM pg_stat_activity WHERE pid = %s", pid)
                            .fetchOne()!!.get<Long>(0) > 0) delay(20)
                }
            }
            val (newPid, one) = pool.withConnection { c -> c.backendPid() to c.cursor().executeSuspending("SELECT 1").fetchOne()!!.get<Int>(0) }
            assertNotEquals(pid, newPid)
            assertEquals(1, one)
            val stats = pool.stats()
            assertEquals(2L, stats.opened)
            assertEquals(1L, stats.closed)
            assertEquals(1, stats.size)
        }
    }

    @Test
    fun `acquire gives up after its timeout with a clear message`() = runBlocking {
        PgPool(dsn, maxSize = 2, acquireTimeout = 300.milliseconds).use { pool ->
            val a = pool.acquire()
            val b = pool.acquire()
            val start = System.nanoTime()
            val e = runCatching { pool.acquire() }.exceptionOrNull()
            val took = (System.nanoTime() - start) / 1_000_000
            assertInstanceOf(PoolTimeoutException::class.java, e)
            assertTrue(e!!.message!!.contains("2 of 2 in use"), e.message)
            assertTrue(took in 250..3000, "gave up after $took ms")
            // The timed-out caller left nothing behind: a return goes to the next caller at once.
            pool.release(a)
            assertEquals(a, withTimeout(1.seconds) { pool.acquire() })
            pool.release(a)
            pool.release(b)
            assertEquals(0, pool.stats().pending)
        }
    }

    @Test
    fun `a connection returned inside a transaction is rolled back, and close fails waiters`() = runBlocking {
        val pool = PgPool(dsn, maxSize = 1)
        pool.withConnection { c ->
            c.cursor().executeSuspending("CREATE TABLE IF NOT EXISTS pool_rb (x int)")
            c.cursor().executeSuspending("BEGIN")
            c.cursor().executeSuspending("INSERT INTO pool_rb VALUES (1)")
        }
        pool.withConnection { c ->
            assertEquals(TransactionStatus.IDLE, c.transactionStatus())
            assertEquals(0L, c.cursor().executeSuspending("SELECT count(*) FROM pool_rb").fetchOne()!!.get<Long>(0))
            c.cursor().executeSuspending("DROP TABLE pool_rb")
        }
        // pool.transaction: BEGIN ... COMMIT on a pooled connection, with the scope's execute.
        assertEquals(3, pool.transaction { execute("SELECT 3").fetchOne()!!.get<Int>(0) })
        val held = pool.acquire()
        val waiter = async(start = CoroutineStart.UNDISPATCHED) { runCatching { pool.acquire() }.exceptionOrNull() }
        pool.close()
        assertInstanceOf(InterfaceException::class.java, withTimeout(1.seconds) { waiter.await() })
        pool.release(held)
        assertTrue(held.isClosed, "returned after close: closed")
        assertEquals(0, pool.stats().size)
    }

    @Test
    fun `callers cancelled or timed out while waiting leave nothing borrowed or lost`() = runBlocking(Dispatchers.Default) {
        PgPool(dsn, maxSize = 3, acquireTimeout = 50.milliseconds).use { pool ->
            val random = java.util.Random(12)
            val served = AtomicInteger()
            val jobs = (1..300).map { i ->
                val delayMs = random.nextInt(5).toLong()
                val cancelAfter = random.nextInt(40).toLong()
                launch {
                    val work = launch {
                        runCatching {
                            pool.withConnection { c ->
                                c.cursor().executeSuspending("SELECT %s", i)
                                delay(delayMs)
                                served.incrementAndGet()
                            }
                        }
                    }
                    if (i % 3 == 0) {
                        delay(cancelAfter)
                        work.cancel()
                    }
                }
            }
            jobs.joinAll()
            val stats = pool.stats()
            assertEquals(0, stats.borrowed, "$stats")
            assertEquals(0, stats.pending, "$stats")
            assertEquals(stats.size, stats.idle, "$stats")
            assertTrue(stats.peakSize <= 3, "$stats")
            assertTrue(served.get() > 0)
            // Every connection still works, and all three can be had at once.
            val all = List(3) { withTimeout(1.seconds) { pool.acquire() } }
            all.forEach { assertEquals(1, it.cursor().executeSuspending("SELECT 1").fetchOne()!!.get<Int>(0)); pool.release(it) }
        }
    }

    private suspend fun List<kotlinx.coroutines.Job>.joinAll() = forEach { it.join() }
}
