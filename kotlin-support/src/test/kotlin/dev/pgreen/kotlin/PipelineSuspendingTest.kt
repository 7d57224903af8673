package dev.pgreen.kotlin

import dev.pgreen.Cursor
import dev.pgreen.TransactionStatus
import dev.pgreen.errors.DataException
import dev.pgreen.errors.PipelineAbortedException
import dev.pgreen.errors.ProgrammingException
import dev.pgreen.testing.PgServerExtension
import dev.pgreen.testing.TestServer
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import kotlin.time.Duration.Companion.milliseconds

@ExtendWith(PgServerExtension::class)
class PipelineSuspendingTest {
    private val dsn: String = TestServer.get().dsn()

    @Test
    fun `statements go out without waiting and the results come with the sync`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val cursors = conn.pipeline {
                conn.cursor().executeSuspending("CREATE TEMP TABLE kp (id int)")
                val inserted = conn.cursor().execute("INSERT INTO kp SELECT generate_series(1, %s)", 10)
                val many = (1..100).map { conn.cursor().executePrepared("SELECT %s::int * 2", it) }
                assertEquals(TransactionStatus.ACTIVE, conn.transactionStatus())
                listOf(inserted) + many
            }
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(10, cursors[0].rowCount())
            assertEquals((1..100).map { it * 2 }, cursors.drop(1).map { it.fetchOne()!!.get(0) })
            assertEquals(1, conn.cursor().executeSuspending("SELECT 1").fetchOne()!!.get(0))
        }
    }

    @Test
    fun `a cursor is read after a sync, not before`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            conn.pipeline { p ->
                val a: Cursor = conn.cursor().execute("SELECT 'a'")
                assertThrows(ProgrammingException::class.java) { a.fetchOne() }
                p.syncSuspending()
                assertEquals("a", a.fetchOne()!!.get(0))
            }
        }
    }

    @Test
    fun `errors belong to their statement and the rest up to the sync is skipped`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            lateinit var bad: Cursor
            lateinit var skipped: Cursor
            val e = runCatching {
                conn.pipeline {
                    bad = conn.cursor().execute("SELECT 1 / 0")
                    skipped = conn.cursor().execute("SELECT 2")
                }
            }.exceptionOrNull()
            assertTrue(e is DataException, "the block's end raises the error nobody read: $e")
            assertThrows(DataException::class.java) { bad.fetchOne() }
            assertThrows(PipelineAbortedException::class.java) { skipped.fetchOne() }
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(1, conn.cursor().executeSuspending("SELECT 1").fetchOne()!!.get(0))
        }
    }

    @Test
    fun `cancelling a sync cancels the statement and leaves the connection usable`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            val start = System.nanoTime()
            assertThrows(TimeoutCancellationException::class.java) {
                runBlocking {
                    withTimeout(300.milliseconds) {
                        conn.pipeline { p ->
                            conn.cursor().execute("SELECT pg_sleep(30)")
                            conn.cursor().execute("SELECT 2")
                            p.syncSuspending()
                        }
                    }
                }
            }
            assertTrue(System.nanoTime() - start < 10_000_000_000L)
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(1, conn.cursor().executeSuspending("SELECT 1").fetchOne()!!.get(0))
        }
    }
}
