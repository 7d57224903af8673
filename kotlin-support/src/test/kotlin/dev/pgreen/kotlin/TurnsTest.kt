package dev.pgreen.kotlin

import dev.pgreen.TransactionStatus
import dev.pgreen.testing.PgServerExtension
import dev.pgreen.testing.TestServer
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.coroutineScope
import kotlinx.coroutines.delay
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import java.util.Collections
import kotlin.time.Duration.Companion.seconds

/** Coroutines sharing one connection take turns instead of failing with "another command is already in progress". */
@ExtendWith(PgServerExtension::class)
class TurnsTest {
    private val dsn: String = TestServer.get().dsn()

    @Test
    fun `twenty coroutines share one connection and each gets its own result`() = runBlocking(Dispatchers.Default) {
        connectSuspending(dsn).use { conn ->
            val results = (1..20).map { i ->
                async {
                    conn.cursor().executeSuspending("SELECT %s::int * 10, pg_sleep(0.01)", i).fetchOne()!!.get(0)
                }
            }.awaitAll()
            assertEquals((1..20).map { it * 10 }, results)
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
        }
    }

    @Test
    fun `a coroutine cancelled while waiting for its turn leaves the turn free`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val slow = launch { conn.cursor().executeSuspending("SELECT pg_sleep(0.5)") }
            delay(100)
            // Waits behind the slow statement; cancelled there, it never sends anything.
            val waiting = launch(start = CoroutineStart.UNDISPATCHED) { conn.cursor().executeSuspending("SELECT 1/0") }
            waiting.cancel()
            waiting.join()
            slow.join()
            assertEquals(7, withTimeout(5.seconds) { conn.cursor().executeSuspending("SELECT 7").fetchOne()!!.get(0) })
        }
    }

    @Test
    fun `a transaction holds the connection until it ends, others wait their turn outside it`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            conn.cursor().executeSuspending("CREATE TEMP TABLE turns (x int)")
            val order = Collections.synchronizedList(mutableListOf<String>())
            val tx = async {
                runCatching {
                    conn.transaction { c ->
                        c.cursor().executeSuspending("INSERT INTO turns VALUES (1)")
                        delay(200)
                        // Coroutines started inside the block (in its scope) share its turn.
                        coroutineScope {
                            (2..4).map { x -> async { c.cursor().executeSuspending("INSERT INTO turns VALUES (%s)", x) } }
                                .awaitAll()
                        }
                        assertEquals(4L, c.cursor().executeSuspending("SELECT count(*) FROM turns").fetchOne()!!.get(0))
                        order += "tx"
                        // Fails the transaction: it is rolled back.
                        c.cursor().executeSuspending("ROLLBACK TO SAVEPOINT nothing_here")
                    }
                }
            }
            delay(50)
            // Not inside the transaction: it waits for its end, then sees the outcome.
            val outside = async {
                conn.cursor().executeSuspending("SELECT count(*) FROM turns").fetchOne()!!.also { order += "outside" }
            }
            val failure = tx.await().exceptionOrNull()
            assertEquals("3B001", (failure as dev.pgreen.errors.PgException).sqlState())
            val row = outside.await()
            assertEquals(listOf("tx", "outside"), order)
            assertEquals(0L, row.get(0), "the transaction was rolled back before the outside statement ran")
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
        }
    }

}
