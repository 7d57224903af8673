package dev.pgreen.kotlin

import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Assumptions.assumeTrue
import org.junit.jupiter.api.Test
import java.io.DataInputStream
import java.io.File
import java.nio.file.Files
import java.nio.file.Path
import kotlin.streams.asSequence

/** The module is usable from Kotlin 2.0 projects: its metadata is 2.0, and a 2.0 project compiles against it. */
class CompatibilityTest {
    private val classes: Path = Path.of(
        SelectorWaiter::class.java.protectionDomain.codeSource.location.toURI())

    @Test
    fun `every class and the module file carry metadata a Kotlin 2_0 compiler reads`() {
        val tooNew = mutableListOf<String>()
        Files.walk(classes).use { paths ->
            paths.asSequence().filter { it.toString().endsWith(".class") }.forEach { file ->
                val name = classes.relativize(file).toString().removeSuffix(".class").replace(File.separatorChar, '.')
                val meta = Class.forName(name, false, javaClass.classLoader).getAnnotation(Metadata::class.java)
                if (meta != null && !atMost20(meta.metadataVersion)) tooNew += "$name: ${meta.metadataVersion.toList()}"
            }
        }
        val module = classes.resolve("META-INF/pgreen-kotlin.kotlin_module")
        val moduleVersion = DataInputStream(Files.newInputStream(module)).use { d -> IntArray(d.readInt()) { d.readInt() } }
        if (!atMost20(moduleVersion)) tooNew += "$module: ${moduleVersion.toList()}"
        assertTrue(tooNew.isEmpty(), "metadata newer than 2.0: $tooNew")
    }

    @Test
    fun `a Kotlin 2_0 project compiles against the module`() {
        val result = CheckingCompiler.compile(mapOf("Consumer.kt" to CONSUMER), CheckingCompiler.consumerClasspath())
        assertTrue(result.ok, "Kotlin ${CheckingCompiler.version} -language-version 2.0: ${result.exitCode}\n${result.messages}")
    }

    @Test
    fun `the check fails as a Kotlin 2_0 project did with the stdlib of the 2_4 compiler`() {
        val newStdlib = System.getProperty("pgreen.kotlin.newStdlib")
        assumeTrue(newStdlib != null && File(newStdlib).isFile, "no stdlib of the building compiler at $newStdlib")
        val classpath = CheckingCompiler.consumerClasspath().filterNot { Path.of(it).fileName.toString().startsWith("kotlin-stdlib") } +
            newStdlib!!
        val result = CheckingCompiler.compile(mapOf("Consumer.kt" to CONSUMER), classpath)
        assertFalse(result.ok, "compiled against a 2.4 stdlib: the check would not catch the old build")
    }

    private fun atMost20(v: IntArray): Boolean =
        v.size >= 2 && (v[0] < 2 || v[0] == 2 && v[1] == 0)

    private companion object {
        /** Touches every kind of public declaration: functions, extensions, classes, inline reified functions. */
        val CONSUMER = """
            import dev.pgreen.Connection
            import dev.pgreen.kotlin.*
            import kotlinx.coroutines.flow.flowOf
            import kotlinx.coroutines.flow.toList
            import kotlin.time.Duration.Companion.seconds

            suspend fun use(dsn: String): List<Any?> {
                val conn: Connection = connectSuspending(dsn)
                try {
                    conn.cursor().executeSuspending("SELECT %s", 1)
                    conn.transaction { c -> c.cursor().executeSuspending("SELECT 1") }
                    val id: Int = conn.transaction { execute("SELECT 1 AS id").fetchOne()!!.get<Int>("id") }
                    conn.awaitNotification(1.seconds)
                    conn.streamFlow("SELECT %s", id, fetchSize = 10).toList()
                    conn.copyToFlow("COPY (SELECT 1) TO STDOUT").toList()
                    conn.copyFromSuspending("COPY t FROM STDIN", flowOf(byteArrayOf()))
                    PgPool(dsn, maxSize = 2).use { pool -> pool.withConnection { it.backendPid() } + pool.stats().size }
                    return conn.queryFlow("SELECT 1").toList().map { it.getOrNull<Int>(0) }
                } finally {
                    conn.close()
                }
            }
        """.trimIndent()
    }
}
