package dev.pgreen.kotlin

import java.io.ByteArrayOutputStream
import java.io.File
import java.io.PrintStream
import java.net.URLClassLoader
import java.nio.file.Files
import java.nio.file.Path

/**
 * The Kotlin compiler the build copies to `target/kotlinc-<version>` (`kotlin.check.version` in the POM), run
 * in-process in a class loader of its own, so it sees none of the test classpath but what it is given.
 * It compiles as a Kotlin 2.0 project does (`-language-version 2.0 -api-version 2.0`): metadata newer than a
 * 2.0 compiler reads is an error, as it would be in such a project.
 */
internal object CheckingCompiler {
    val version: String = System.getProperty("pgreen.kotlinc.version") ?: error("run through Maven: no pgreen.kotlinc.version")

    private val loader: URLClassLoader by lazy {
        val dir = File(System.getProperty("pgreen.kotlinc.dir") ?: error("run through Maven: no pgreen.kotlinc.dir"))
        val jars = dir.listFiles { f -> f.name.endsWith(".jar") }?.sortedBy { it.name }
        require(!jars.isNullOrEmpty()) { "no compiler jars in $dir (mvn generate-test-resources copies them)" }
        URLClassLoader(jars.map { it.toURI().toURL() }.toTypedArray(), ClassLoader.getPlatformClassLoader())
    }

    /** What one compilation said: the compiler's exit code name ("OK", "COMPILATION_ERROR", ...) and its messages. */
    data class Result(val exitCode: String, val messages: String) {
        val ok: Boolean get() = exitCode == "OK"
    }

    /**
     * Compiles [sources] (file name to text) against [classpath] (no stdlib of the compiler's own: the
     * classpath's is the one a consumer gets) into a fresh directory.
     */
    fun compile(sources: Map<String, String>, classpath: List<String>): Result {
        val work = Files.createTempDirectory("pgreen-kotlinc")
        try {
            val files = sources.map { (name, text) -> work.resolve(name).also { Files.writeString(it, text) } }
            val args = listOf(
                "-language-version", "2.0", "-api-version", "2.0",
                "-no-stdlib", "-no-reflect", "-Xdisable-default-scripting-plugin",
                "-jvm-target", "21",
                "-classpath", classpath.joinToString(File.pathSeparator),
                "-d", work.resolve("out").toString(),
            ) + files.map { it.toString() }
            val out = ByteArrayOutputStream()
            val thread = Thread.currentThread()
            val previous = thread.contextClassLoader
            thread.contextClassLoader = loader
            val code = try {
                val compiler = loader.loadClass("org.jetbrains.kotlin.cli.jvm.K2JVMCompiler").getDeclaredConstructor().newInstance()
                val exec = compiler.javaClass.getMethod("exec", PrintStream::class.java, Array<String>::class.java)
                PrintStream(out, true, Charsets.UTF_8).use { ps -> exec.invoke(compiler, ps, args.toTypedArray()).toString() }
            } finally {
                thread.contextClassLoader = previous
            }
            return Result(code, out.toString(Charsets.UTF_8))
        } finally {
            work.toFile().deleteRecursively()
        }
    }

    /**
     * The test classpath a consumer of the module would have: the module's classes (what its jar holds), the
     * driver, kotlinx.coroutines and the stdlib the POM declares. Test-only jars are left out.
     */
    fun consumerClasspath(): List<String> =
        System.getProperty("java.class.path").split(File.pathSeparator).filter { entry ->
            val name = Path.of(entry).fileName?.toString() ?: ""
            entry.endsWith("${File.separator}classes") || name.startsWith("pgreen-driver") && !name.contains("tests") ||
                name.startsWith("kotlin-stdlib") || name.startsWith("kotlinx-coroutines-core") ||
                name.startsWith("annotations")
        }
}
