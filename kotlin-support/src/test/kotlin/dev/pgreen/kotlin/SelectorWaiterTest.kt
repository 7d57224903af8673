package dev.pgreen.kotlin

import dev.pgreen.PollState
import kotlinx.coroutines.CoroutineStart
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.launch
import kotlinx.coroutines.runBlocking
import kotlinx.coroutines.yield
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotSame
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import java.nio.ByteBuffer
import java.nio.channels.Pipe
import java.util.Collections
import java.util.concurrent.CompletableFuture
import java.util.concurrent.TimeUnit

class SelectorWaiterTest {
    private fun pipe(): Pipe = Pipe.open().also {
        it.source().configureBlocking(false)
        it.sink().configureBlocking(false)
    }

    private fun Pipe.write() {
        sink().write(ByteBuffer.wrap(byteArrayOf(1)))
    }

    @Test
    fun `OK returns without suspending`() = runBlocking {
        val events = Collections.synchronizedList(mutableListOf<String>())
        val p = pipe()
        launch(start = CoroutineStart.UNDISPATCHED) {
            events += "before"
            awaitReady(p.source(), PollState.OK)
            events += "after"
        }
        events += "caller"
        assertEquals(listOf("before", "after", "caller"), events)
    }

    @Test
    fun `resumes when readable, in order with the caller`() = runBlocking {
        val events = Collections.synchronizedList(mutableListOf<String>())
        val p = pipe()
        val job = launch(start = CoroutineStart.UNDISPATCHED) {
            events += "waiting"
            awaitReady(p.source(), PollState.READ)
            events += "ready"
        }
        events += "suspended"
        yield()
        assertTrue(job.isActive)
        events += "write"
        p.write()
        job.join()
        assertEquals(listOf("waiting", "suspended", "write", "ready"), events)
    }

    @Test
    fun `cancellation is immediate and a later wait on the same channel works`() = runBlocking {
        val p = pipe()
        val job = launch(start = CoroutineStart.UNDISPATCHED) { awaitReady(p.source(), PollState.READ) }
        val start = System.nanoTime()
        job.cancel()
        job.join()
        assertTrue(job.isCancelled)
        assertTrue(System.nanoTime() - start < TimeUnit.MILLISECONDS.toNanos(500))
        val again = launch(start = CoroutineStart.UNDISPATCHED) { awaitReady(p.source(), PollState.READ) }
        p.write()
        again.join()
        assertTrue(again.isCompleted && !again.isCancelled)
    }

    @Test
    fun `an unconfined waiter is not resumed on the selector thread`() {
        val p = pipe()
        val thread = CompletableFuture<Thread>()
        runBlocking {
            val job = launch(Dispatchers.Unconfined) {
                awaitReady(p.source(), PollState.READ)
                thread.complete(Thread.currentThread())
            }
            p.write()
            job.join()
        }
        assertNotSame(SelectorWaiter.sharedThread(), thread.get(5, TimeUnit.SECONDS))
    }

    @Test
    fun `a channel closed under a waiter wakes it`() = runBlocking {
        val p = pipe()
        val job = launch(start = CoroutineStart.UNDISPATCHED) { awaitReady(p.source(), PollState.READ) }
        p.source().close()
        val start = System.nanoTime()
        job.join()
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3))
    }

    @Test
    fun `writable is reported for WRITE`() = runBlocking {
        val p = pipe()
        awaitReady(p.sink(), PollState.WRITE)
    }
}
