package dev.pgreen.kotlin

import dev.pgreen.AsyncCopy
import dev.pgreen.Pgreen
import dev.pgreen.TransactionStatus
import dev.pgreen.errors.DataException
import dev.pgreen.errors.ProgrammingException
import dev.pgreen.testing.PgServerExtension
import dev.pgreen.testing.TestServer
import kotlinx.coroutines.TimeoutCancellationException
import kotlinx.coroutines.delay
import kotlinx.coroutines.flow.flow
import kotlinx.coroutines.flow.fold
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.withTimeout
import org.junit.jupiter.api.Assertions.assertArrayEquals
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertInstanceOf
import org.junit.jupiter.api.Assertions.assertThrows
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.extension.ExtendWith
import java.io.ByteArrayInputStream
import java.io.ByteArrayOutputStream
import java.security.MessageDigest
import kotlin.time.Duration.Companion.milliseconds

@ExtendWith(PgServerExtension::class)
class CopyTest {
    private val dsn: String = TestServer.get().dsn()

    /** About 10 MB of `id<TAB>text` rows. */
    private val rows = 100_000
    private val data: ByteArray = buildString {
        for (i in 1..rows) append(i).append('\t').append("row-").append(i).append('-').append("x".repeat(84)).append('\n')
    }.toByteArray()

    private suspend fun dev.pgreen.Connection.scalar(sql: String): Any? = cursor().executeSuspending(sql).fetchOne()!!.get(0)

    @Test
    fun `ten megabytes in from an InputStream and out to an OutputStream, byte for byte`() = runBlocking {
        assertTrue(data.size > 10_000_000, "${data.size} bytes")
        connectSuspending(dsn).use { conn ->
            conn.cursor().executeSuspending("CREATE TEMP TABLE big (id int, t text)")
            assertEquals(rows.toLong(), conn.copyFromSuspending("COPY big FROM STDIN", ByteArrayInputStream(data)))
            assertEquals(rows.toLong(), conn.scalar("SELECT count(*) FROM big"))
            val out = ByteArrayOutputStream()
            assertEquals(rows.toLong(), conn.copyToSuspending("COPY (SELECT * FROM big ORDER BY id) TO STDOUT", out))
            assertArrayEquals(sha(data), sha(out.toByteArray()))
            // As a flow, in pieces of whole rows.
            val (bytes, lines) = conn.copyToFlow("COPY big TO STDOUT").fold(0L to 0L) { (b, l), piece ->
                assertEquals('\n'.code.toByte(), piece.last())
                (b + piece.size) to (l + piece.count { it == '\n'.code.toByte() })
            }
            assertEquals(data.size.toLong() to rows.toLong(), bytes to lines)
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
        }
    }

    @Test
    fun `ten megabytes in from a flow of odd-sized pieces`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            conn.cursor().executeSuspending("CREATE TEMP TABLE big2 (id int, t text)")
            val pieces = flow {
                var at = 0
                var size = 1
                while (at < data.size) {
                    val n = minOf(size, data.size - at)
                    emit(data.copyOfRange(at, at + n))
                    at += n
                    size = (size * 7 + 13) % 100_000 + 1
                }
            }
            assertEquals(rows.toLong(), conn.copyFromSuspending("COPY big2 FROM STDIN", pieces))
            assertEquals(rows.toLong() * (rows + 1) / 2, (conn.scalar("SELECT sum(id) FROM big2") as Number).toLong())
        }
    }

    @Test
    fun `a server error mid-copy is raised, nothing is copied, the connection is usable`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            conn.cursor().executeSuspending("CREATE TEMP TABLE strict (id int, t text)")
            val bad = data.copyOf().also { copy ->
                // Row 50,000's id becomes "x": invalid input syntax for type integer (22P02).
                val at = String(copy).indexOf("\n50000\t") + 1
                copy[at] = 'x'.code.toByte()
            }
            val e = assertThrows(DataException::class.java) {
                runBlocking { conn.copyFromSuspending("COPY strict FROM STDIN", ByteArrayInputStream(bad)) }
            }
            assertEquals("22P02", e.sqlState())
            assertEquals(0L, conn.scalar("SELECT count(*) FROM strict"))
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            // And on the way out: a failing query.
            val out = assertThrows(DataException::class.java) {
                runBlocking { conn.copyToSuspending("COPY (SELECT 1 / (x - 5000) FROM generate_series(1, 10000) x) TO STDOUT") { } }
            }
            assertEquals("22012", out.sqlState())
            assertEquals(1, conn.scalar("SELECT 1"))
        }
    }

    @Test
    fun `cancelling a copy either way leaves the connection idle and usable`() = runBlocking {
        connectSuspending(dsn).use { conn ->
            conn.cursor().executeSuspending("CREATE TEMP TABLE slow (id int, t text)")
            val slowInput = flow {
                for (i in 1..1000) {
                    emit("$i\tslow\n".toByteArray())
                    delay(10)
                }
            }
            val inCancelled = runCatching { withTimeout(200.milliseconds) { conn.copyFromSuspending("COPY slow FROM STDIN", slowInput) } }
            assertInstanceOf(TimeoutCancellationException::class.java, inCancelled.exceptionOrNull())
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(0L, conn.scalar("SELECT count(*) FROM slow"), "abandoned: rolled back")

            val outCancelled = runCatching {
                withTimeout(300.milliseconds) {
                    conn.copyToSuspending("COPY (SELECT x, pg_sleep(0.001) FROM generate_series(1, 100000) x) TO STDOUT") { delay(1) }
                }
            }
            assertInstanceOf(TimeoutCancellationException::class.java, outCancelled.exceptionOrNull())
            assertEquals(TransactionStatus.IDLE, conn.transactionStatus())
            assertEquals(2, conn.scalar("SELECT 2"))
        }
    }

    @Test
    fun `the driver's AsyncCopy refuses synchronous connections and a second command`() = runBlocking {
        Pgreen.connect(dsn).use { sync -> assertThrows(ProgrammingException::class.java) { AsyncCopy.to(sync, "COPY (SELECT 1) TO STDOUT") } }
        connectSuspending(dsn).use { conn ->
            val copy = AsyncCopy.to(conn, "COPY (SELECT 1) TO STDOUT")
            assertThrows(ProgrammingException::class.java) { conn.cursor().execute("SELECT 1") }
            conn.driveToOk()
            while (!copy.isComplete()) { copy.takeReceived(); conn.driveToOk() }
            assertEquals(1L, copy.rowCount())
            assertEquals(3, conn.scalar("SELECT 3"))
        }
    }

    private fun sha(b: ByteArray) = MessageDigest.getInstance("SHA-256").digest(b)
}
