package dev.pgreen.kotlin

import dev.pgreen.Connection
import dev.pgreen.Notify
import dev.pgreen.Pgreen
import dev.pgreen.TransactionStatus
import dev.pgreen.errors.DataException
import dev.pgreen.errors.InternalException
import dev.pgreen.errors.OperationalException
import dev.pgreen.errors.ProgrammingException
import dev.pgreen.testing.PgServerExtension
import dev.pgreen.testing.TestServer
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.DelicateCoroutinesApi
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.launch
import kotlinx.coroutines.newSingleThreadContext
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withContext
import kotlinx.coroutines.withTimeout
import kotlinx.coroutines.withTimeoutOrNull
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assertions.fail
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import java.util.concurrent.ConcurrentHashMap
import kotlin.time.Duration.Companion.milliseconds
import kotlin.time.Duration.Companion.seconds

@ExtendWith(PgServerExtension::class)
class SuspendingTest {
    private val dsn: String = TestServer.get().dsn()

    private inline fun <reified T : Throwable> caught(block: () -> Unit): T {
        try {
            block()
        } catch (e: Throwable) {
            return assertInstanceOf(T::class.java, e)
        }
        fail<Unit>("expected ${T::class.java.simpleName}")
        throw AssertionError()
    }

    private suspend fun Connection.scalar(sql: String, vararg args: Any?): Any? =
        cursor().use { it.executeSuspending(sql, *args).fetchOne()!!.get(0) }

    @OptIn(DelicateCoroutinesApi::class, ExperimentalCoroutinesApi::class)
    @Test
    fun `a hundred sleeping queries share one thread`() {
        val threads = ConcurrentHashMap.newKeySet<Thread>()
        newSingleThreadContext("one-thread").use { one ->
            runBlocking(one) {
                // Connect first, so the timing below is the queries' alone.
                val conns = (1..100).map { async { connectSuspending(dsn).also { threads += Thread.currentThread() } } }
                    .awaitAll()
                try {
                    val start = System.nanoTime()
                    conns.map { conn ->
                        async {
                            conn.cursor().executeSuspending("SELECT pg_sleep(0.3)")
                            threads += Thread.currentThread()
                        }
                    }.awaitAll()
                    val seconds = (System.nanoTime() - start) / 1e9
                    println("100 x pg_sleep(0.3) on one thread: %.2f s".format(seconds))
                    // Serially 30 s; green, about 0.3 s plus overhead.
                    assertTrue(seconds < 10, "took $seconds s")
                } finally {
                    conns.forEach { it.close() }
                }
            }
        }
        assertEquals(1, threads.size, "threads used: $threads")
        // Debug mode (-ea) appends " @coroutine#N" to the name.
        assertTrue(threads.single().name.startsWith("one-thread"), threads.single().name)
    }

    @Test
    fun `withTimeout cancels the query on the server and the connection stays usable`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            connectSuspending(dsn).use { observer ->
                val cur = conn.cursor()
                val start = System.nanoTime()
                caught<TimeoutCancellationException> {
                    withTimeout(300.milliseconds) { cur.executeSuspending("SELECT pg_sleep(10)") }
                }
                val elapsed = (System.nanoTime() - start) / 1e9
                assertTrue(elapsed < 3, "cancellation took $elapsed s")
                // Drained before the exception was rethrown: the backend is idle already.
                assertEquals("idle", observer.scalar("SELECT state FROM pg_stat_activity WHERE pid = %s", conn.backendPid()))
                assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
                val next = System.nanoTime()
                assertEquals(42, conn.scalar("SELECT 42"))
                assertTrue((System.nanoTime() - next) / 1e9 < 1)
            }
        }
    }

    @Test
    fun `cancelling the job from another coroutine is prompt`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val job = launch { conn.cursor().executeSuspending("SELECT pg_sleep(10)") }
            delay(200)
            val start = System.nanoTime()
            job.cancel()
            job.join()
            assertTrue(job.isCancelled)
            assertTrue((System.nanoTime() - start) / 1e9 < 3)
            assertEquals("ok", conn.scalar("SELECT %s", "ok"))
        }
    }

    @Test
    fun `server errors keep their class and SQLSTATE and leave the connection usable`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val div = caught<DataException> { conn.cursor().executeSuspending("SELECT 1 / %s", 0) }
            assertEquals("22012", div.sqlState())
            val missing = caught<ProgrammingException> { conn.cursor().executeSuspending("SELECT * FROM no_such_table") }
            assertEquals("42P01", missing.sqlState())
            assertEquals("42P01", missing.diag().sqlState())
            assertEquals(2L, conn.scalar("SELECT %s::int8 + 1", 1))
        }
    }

    @Test
    fun `map arguments and flows`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val cur = conn.cursor().executeSuspending("SELECT %(a)s::int + %(b)s::int", mapOf("a" to 2, "b" to 3))
            assertEquals(5, cur.fetchOne()!!.get(0))
            val rows = conn.cursor().executeSuspending("SELECT generate_series(1, %s)", 5).rowsFlow()
                .map { it.get(0) as Int }.toList()
            assertEquals(listOf(1, 2, 3, 4, 5), rows)
            assertEquals(listOf(10, 20), conn.queryFlow("SELECT x * 10 FROM generate_series(1, 2) x")
                .map { it.get(0) as Int }.toList())
        }
    }

    @Test
    fun `connect failures and synchronous connections are reported`() = runBlocking {
        caught<OperationalException> { connectSuspending("$dsn dbname=no_such_database_pgreen") }
        Pgreen.connect(dsn).use { sync ->
            caught<ProgrammingException> { sync.cursor().executeSuspending("SELECT 1") }
        }
        Unit
    }

    @Test
    fun `transaction commits, rolls back on failure and on cancellation`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            conn.cursor().executeSuspending("CREATE TEMP TABLE t (x int)")
            val r = conn.transaction { c ->
                c.cursor().executeSuspending("INSERT INTO t VALUES (%s)", 1)
                assertEquals(TransactionStatus.INTRANS, c.transactionStatus())
                "done"
            }
            assertEquals("done", r)
            assertEquals(1L, conn.scalar("SELECT count(*) FROM t"))

            caught<IllegalStateException> {
                conn.transaction { c ->
                    c.cursor().executeSuspending("INSERT INTO t VALUES (2)")
                    throw IllegalStateException("boom")
                }
            }
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(1L, conn.scalar("SELECT count(*) FROM t"))

            caught<TimeoutCancellationException> {
                withTimeout(300.milliseconds) {
                    conn.transaction { c ->
                        c.cursor().executeSuspending("INSERT INTO t VALUES (3)")
                        c.cursor().executeSuspending("SELECT pg_sleep(10)")
                    }
                }
            }
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(1L, conn.scalar("SELECT count(*) FROM t"))

            // An error swallowed inside the block still fails the transaction.
            caught<InternalException> {
                conn.transaction { c ->
                    c.cursor().executeSuspending("INSERT INTO t VALUES (4)")
                    caught<DataException> { c.cursor().executeSuspending("SELECT 1/0") }
                }
            }
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(1L, conn.scalar("SELECT count(*) FROM t"))
        }
    }

    @Test
    fun `notifications arrive while suspended, and the timeout returns null`() = runBlocking {
        connectSuspending(dsn).use { listener ->
            connectSuspending(dsn).use { sender ->
                listener.cursor().executeSuspending("LISTEN pgreen_kt")
                val start = System.nanoTime()
                assertNull(listener.awaitNotification(200.milliseconds))
                assertTrue((System.nanoTime() - start) / 1e9 < 2)

                val notifying = launch {
                    delay(100)
                    sender.cursor().executeSuspending("NOTIFY pgreen_kt, 'hello'")
                }
                val n = listener.awaitNotification(5.seconds)
                assertEquals(Notify(sender.backendPid(), "pgreen_kt", "hello"), n)
                // The listener may hear it before the sender has read its own ReadyForQuery.
                notifying.join()

                val sending = launch(start = CoroutineStart.UNDISPATCHED) {
                    for (i in 1..3) sender.cursor().executeSuspending("SELECT pg_notify('pgreen_kt', %s)", "m$i")
                }
                val got = withTimeout(5.seconds) { listener.notificationsFlow().take(3).toList() }
                assertEquals(listOf("m1", "m2", "m3"), got.map { it.payload() })
                // The last NOTIFY can be heard before the sender has read its own reply: let it finish
                // before `use` closes the sender under it.
                sending.join()
                // Still usable for queries afterwards.
                assertEquals(1, listener.scalar("SELECT 1"))
            }
        }
    }

    @Test
    fun `connect can be cancelled`() = runBlocking {
        // Whatever point it reaches, cancellation leaves nothing open and is prompt.
        val start = System.nanoTime()
        caught<TimeoutCancellationException> {
            withTimeout(1.milliseconds) { connectSuspending(dsn).close(); delay(10_000) }
        }
        assertTrue((System.nanoTime() - start) / 1e9 < 2)
        withContext(kotlinx.coroutines.Dispatchers.Default) { assertEquals(1, connectSuspending(dsn).use { it.scalar("SELECT 1") }) }
    }

    @Test
    fun `a timeout during a 32 MB statement cancels it and keeps the connection`() = runBlocking {
        val conn = connectSuspending(dsn)
        try {
            // The statement takes a while to send: a cancel that reaches the backend before all of it cancels
            // nothing, so the driver repeats it until the statement is cancelled.
            val big = "x".repeat(32 * 1024 * 1024)
            val start = System.nanoTime()
            val result = withTimeoutOrNull(300.milliseconds) {
                conn.cursor().executeSuspending("SELECT pg_sleep(20), length(%s)", big)
            }
            val took = (System.nanoTime() - start) / 1_000_000
            assertNull(result, "the timeout cancelled the statement")
            assertTrue(took < 8_000, "cancelled long before the statement's 20 s: $took ms")
            assertTrue(!conn.isClosed, "the connection survives the cancellation")
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(1, conn.scalar("SELECT 1"))
        } finally {
            conn.close()
        }
    }

    @Test
    fun `the statement timeout of the connection cancels a suspended query`() = runBlocking {
        val conn = connectSuspending(dsn)
        try {
            conn.setStatementTimeout(java.time.Duration.ofMillis(300))
            val start = System.nanoTime()
            val e = caught<dev.pgreen.errors.QueryCanceledException> {
                conn.cursor().executeSuspending("SELECT pg_sleep(20)")
            }
            assertEquals("57014", e.sqlState())
            assertTrue((System.nanoTime() - start) / 1_000_000 < 8_000, "cancelled at the timeout")
            conn.setStatementTimeout(null)
            assertEquals(1, conn.scalar("SELECT 1"))
        } finally {
            conn.close()
        }
    }
}
