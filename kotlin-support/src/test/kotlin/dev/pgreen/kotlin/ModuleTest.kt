package dev.pgreen.kotlin

import dev.pgreen.Connection
import dev.pgreen.testing.ModuleCheck
import kotlinx.coroutines.Job
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/** kotlin-support as the module `dev.pgreen.kotlin`, loaded on the module path with the driver, the stdlib and kotlinx.coroutines. */
class ModuleTest {
    private val module: Module = ModuleCheck.layer(
        "dev.pgreen.kotlin", PoolStats::class.java, Connection::class.java, Unit::class.java, Job::class.java,
    ).findModule("dev.pgreen.kotlin").orElseThrow()

    @Test
    fun `exports only its package`() {
        assertEquals(setOf("dev.pgreen.kotlin"), ModuleCheck.exported(module))
        assertEquals(setOf("dev.pgreen.kotlin"), module.packages)
    }

    @Test
    fun `no internal type in the public api`() {
        assertEquals(listOf<String>(), ModuleCheck.leaks(module))
    }
}
