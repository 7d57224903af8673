package dev.pgreen.kotlin

import dev.pgreen.TransactionStatus
import dev.pgreen.errors.DataException
import dev.pgreen.testing.PgServerExtension
import dev.pgreen.testing.TestServer
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.collect
import kotlinx.coroutines.flow.first
import kotlinx.coroutines.flow.map
import kotlinx.coroutines.flow.onEach
import kotlinx.coroutines.flow.take
import kotlinx.coroutines.flow.toList
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import kotlin.time.Duration.Companion.milliseconds

@ExtendWith(PgServerExtension::class)
class StreamAndRowsTest {
    private val dsn: String = TestServer.get().dsn()

    private suspend fun dev.pgreen.Connection.openCursors(): Long =
        cursor().executeSuspending("SELECT count(*) FROM pg_cursors").fetchOne()!!.get<Long>(0)

    @Test
    fun `two hundred thousand rows stream in order, a batch at a time`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            connectSuspending(dsn).use { observer ->
                var expected = 1
                conn.streamFlow("SELECT x, repeat('r', 100) FROM generate_series(1, %s) x", 200_000, fetchSize = 5000)
                    .collect { row ->
                        assertEquals(expected++, row.get<Int>(0))
                        if (expected == 100_000) {
                            // Half-way: the server holds the rest, and hands it over batch by batch.
                            val last = observer.cursor().executeSuspending(
                                "SELECT query FROM pg_stat_activity WHERE pid = %s", conn.backendPid()).fetchOne()!!.get<String>(0)
                            assertTrue(last.startsWith("FETCH FORWARD 5000 FROM pgreen_stream_"), last)
                        }
                    }
                assertEquals(200_001, expected)
            }
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus(), "the stream's transaction committed")
            assertEquals(0L, conn.openCursors())
        }
    }

    @Test
    fun `cancelling the collector closes the cursor and leaves the connection usable`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val e = runCatching {
                withTimeout(300.milliseconds) {
                    conn.streamFlow("SELECT x FROM generate_series(1, 1000000) x", fetchSize = 100).collect { delay(1) }
                }
            }.exceptionOrNull()
            assertTrue(e is TimeoutCancellationException, "$e")
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(0L, conn.openCursors())
            // Stopping early (first) is the same; so is a cancellation during a slow FETCH.
            assertEquals(1, conn.streamFlow("SELECT generate_series(1, 10)").first().get<Int>(0))
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            val slow = runCatching {
                withTimeout(300.milliseconds) { conn.streamFlow("SELECT pg_sleep(10)").collect { } }
            }.exceptionOrNull()
            assertTrue(slow is TimeoutCancellationException, "$slow")
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(5, conn.cursor().executeSuspending("SELECT 5").fetchOne()!!.get<Int>(0))
        }
    }

    @Test
    fun `inside a transaction the stream uses it and the collector may run statements`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val sums = conn.transaction {
                execute("CREATE TEMP TABLE seen (x int) ON COMMIT DROP")
                connection.streamFlow("SELECT generate_series(1, 50)", fetchSize = 7)
                    .onEach { execute("INSERT INTO seen VALUES (%s)", it.get<Int>(0)) }
                    .collect()
                assertEquals(0L, connection.openCursors())
                execute("SELECT sum(x) FROM seen").fetchOne()!!.get<Long>(0)
            }
            assertEquals(1275L, sums)
        }
    }

    @Test
    fun `reified getters and the transaction receiver`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val row = conn.cursor().executeSuspending("SELECT 7 AS id, 'kiwi' AS name, NULL::text AS note, 9::int8 AS n").fetchOne()!!
            assertEquals(7, row.get<Int>("id"))
            assertEquals(7, row.get<Int>(0))
            assertEquals("kiwi", row.get<String>("name"))
            assertEquals(9L, row.get<Long>("n"))
            assertNull(row.getOrNull<String>("note"))
            assertThrows(DataException::class.java) { row.get<String>("note") }
            assertThrows(ClassCastException::class.java) { row.get<String>("id") }

            conn.cursor().executeSuspending("CREATE TEMP TABLE fruit (id int, name text)")
            conn.transaction { execute("INSERT INTO fruit VALUES (%s, %s)", 1, "fig") }
            conn.transaction { c -> c.cursor().executeSuspending("INSERT INTO fruit VALUES (%(id)s, %(n)s)", mapOf("id" to 2, "n" to "yuzu")) }
            val names = conn.transaction { query("SELECT name FROM fruit ORDER BY id").map { it.get<String>(0) }.toList() }
            assertEquals(listOf("fig", "yuzu"), names)
        }
    }
}
