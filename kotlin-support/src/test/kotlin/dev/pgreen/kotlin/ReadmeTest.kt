package dev.pgreen.kotlin

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.DynamicTest
import org.junit.jupiter.api.TestFactory
import java.io.File

/**
 * Every ```kotlin block of the READMEs compiles as written (each block a file of its own), with the checking
 * compiler as a Kotlin 2.0 project would, against the module's classes.
 */
class ReadmeTest {
    @TestFactory
    fun `the README examples compile`(): List<DynamicTest> {
        val readmes = (System.getProperty("pgreen.readmes") ?: error("run through Maven: no pgreen.readmes"))
            .split(',').map { File(it) }.filter { it.isFile }
        val blocks = readmes.flatMap { readme -> kotlinBlocks(readme.readText()).mapIndexed { i, code -> Triple(readme, i + 1, code) } }
        assertTrue(blocks.count { it.first.parentFile.name == "kotlin-support" } >= 3, "kotlin blocks found: ${blocks.size}")
        val classpath = CheckingCompiler.consumerClasspath()
        return blocks.map { (readme, n, code) ->
            DynamicTest.dynamicTest("${readme.parentFile.name}/${readme.name} block $n") {
                val result = CheckingCompiler.compile(mapOf("Readme$n.kt" to code), classpath)
                assertTrue(result.ok, "${readme.path} block $n does not compile (${result.exitCode}):\n${result.messages}\n$code")
            }
        }
    }

    @Test
    fun `blocks are found, dedented, and a broken one fails to compile`() {
        val md = "text\n  ```kotlin\n  import dev.pgreen.kotlin.*\n  val x: Int = \"no\"\n  ```\n```java\nint y;\n```\n"
        val blocks = kotlinBlocks(md)
        assertEquals(listOf("import dev.pgreen.kotlin.*\nval x: Int = \"no\""), blocks)
        val result = CheckingCompiler.compile(mapOf("Broken.kt" to blocks.single()), CheckingCompiler.consumerClasspath())
        assertEquals("COMPILATION_ERROR", result.exitCode, result.messages)
        assertTrue(result.messages.contains("mismatch", ignoreCase = true), result.messages)
    }

    companion object {
        private val FENCE = Regex("""^([ \t]*)```kotlin[ \t]*$""")

        /** The ```kotlin blocks of a Markdown text, each dedented by its fence's indentation. */
        fun kotlinBlocks(markdown: String): List<String> {
            val blocks = mutableListOf<String>()
            val lines = markdown.lines()
            var i = 0
            while (i < lines.size) {
                val open = FENCE.matchEntire(lines[i])
                if (open == null) {
                    i++
                    continue
                }
                val indent = open.groupValues[1]
                val body = mutableListOf<String>()
                i++
                while (i < lines.size && lines[i].trim() != "```") {
                    body += lines[i].removePrefix(indent)
                    i++
                }
                blocks += body.joinToString("\n")
                i++
            }
            return blocks
        }
    }
}
