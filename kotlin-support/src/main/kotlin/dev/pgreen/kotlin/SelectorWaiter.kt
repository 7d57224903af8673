package dev.pgreen.kotlin

import dev.pgreen.PollState
import dev.pgreen.PollingWait
import kotlinx.coroutines.CancellableContinuation
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.suspendCancellableCoroutine
import java.io.IOException
import java.io.UncheckedIOException
import java.nio.channels.CancelledKeyException
import java.nio.channels.ClosedChannelException
import java.nio.channels.IllegalBlockingModeException
import java.nio.channels.SelectableChannel
import java.nio.channels.SelectionKey
import java.nio.channels.Selector
import java.util.concurrent.ConcurrentLinkedQueue
import java.util.concurrent.atomic.AtomicInteger
import java.util.concurrent.locks.ReentrantLock
import kotlin.concurrent.withLock
import kotlin.coroutines.ContinuationInterceptor
import kotlin.coroutines.resume

/**
 * One daemon platform thread owning one [Selector]: suspended coroutines hand it
 * (channel, interest, continuation) and it resumes each one when its channel is
 * ready. No coroutine thread ever blocks in `select()`.
 *
 * Registrations travel through a lock-free queue and [Selector.wakeup], so the
 * selector thread holds nothing a coroutine needs. Only the selector thread
 * touches keys; a channel keeps its key between waits (interest 0 when nobody
 * waits), so a wait costs one interest update, not a register and a
 * deregister. Each wait is one-shot: once its key fires, interest drops to 0.
 *
 * Use the process-wide instance through [awaitReady]; a waiter whose thread died
 * (it never should) is replaced on the next wait.
 */
public class SelectorWaiter private constructor() {
    private val selector: Selector = Selector.open()
    private val registrations = ConcurrentLinkedQueue<Registration>()
    /** Registrations attached to a key; only the selector thread reads or writes it. */
    private val attached = HashSet<Registration>()
    private val thread: Thread = Thread.ofPlatform().daemon().name("pgreen-kotlin-selector").unstarted(::run)
    @Volatile
    private var dead = false

    /**
     * Suspends until [channel] is ready for what [state] asks (`READ`: readable;
     * `WRITE`: writable, or connectable while the socket is still connecting),
     * then returns; returns at once for `OK`. It may also return early (the
     * channel was closed, the selector thread died): callers poll again and, if
     * still not ready, wait again.
     *
     * Cancellation: the coroutine resumes at once with [kotlinx.coroutines.CancellationException];
     * the pending registration is only marked cancelled (no lock, no I/O, any
     * thread) and the selector thread drops it when it next sees it. The channel
     * itself is untouched.
     */
    public suspend fun awaitReady(channel: SelectableChannel, state: PollState) {
        if (state == PollState.OK) {
            return
        }
        val ops = PollingWait.interestOps(channel, state)
        suspendCancellableCoroutine { cont ->
            val r = Registration(channel, ops, cont)
            cont.invokeOnCancellation { r.cancel() }
            registrations.add(r)
            if (dead) {
                // Died after its last drain: it will never see us. A spurious return; the caller retries on a new one.
                r.fire()
            } else {
                selector.wakeup()
            }
        }
    }

    private fun run() {
        var lastSweep = System.nanoTime()
        try {
            while (!dead) {
                register()
                selector.select(SWEEP_MILLIS)
                fire()
                val now = System.nanoTime()
                if (now - lastSweep >= SWEEP_MILLIS * 1_000_000) {
                    sweep()
                    lastSweep = now
                }
            }
        } catch (e: Throwable) {
            System.getLogger(SelectorWaiter::class.java.name)
                .log(System.Logger.Level.ERROR, "the pgreen selector thread failed; waiters retry on a new one", e)
        } finally {
            die()
        }
    }

    private fun register() {
        while (true) {
            val r = registrations.poll() ?: return
            if (!r.isWaiting) {
                continue
            }
            try {
                val key = r.channel.keyFor(selector)
                if (key == null) {
                    r.channel.register(selector, r.ops, r)
                } else {
                    // One operation at a time per connection: an earlier waiter still here is stale. Wake it to re-poll.
                    (key.attachment() as Registration?)?.let { old -> attached.remove(old); old.fire() }
                    key.attach(r)
                    key.interestOps(r.ops)
                }
                attached.add(r)
            } catch (_: ClosedChannelException) {
                r.fire() // the caller's next poll() reports the closed connection
            } catch (_: CancelledKeyException) {
                r.fire()
            } catch (_: IllegalBlockingModeException) {
                r.fire() // not something a selector can wait on: let the caller fail on its own terms
            } catch (_: IllegalArgumentException) {
                r.fire()
            }
        }
    }

    private fun fire() {
        val it = selector.selectedKeys().iterator()
        while (it.hasNext()) {
            val key = it.next()
            it.remove()
            val r = key.attachment() as Registration?
            key.attach(null)
            try {
                key.interestOps(0)
            } catch (_: CancelledKeyException) {
                // closed: nothing more to wait for on it
            }
            if (r != null) {
                attached.remove(r)
                r.fire()
            }
        }
    }

    /**
     * Closing a registered channel cancels its key without waking the selector,
     * so its waiter would never be told: wake such waiters (their poll() then
     * reports the closed connection), and forget cancelled registrations.
     */
    private fun sweep() {
        val it = attached.iterator()
        while (it.hasNext()) {
            val r = it.next()
            if (!r.isWaiting) {
                it.remove()
            } else if (!r.channel.isOpen) {
                it.remove()
                r.fire()
            }
        }
    }

    private fun die() {
        dead = true
        while (true) {
            (registrations.poll() ?: break).fire()
        }
        attached.forEach { it.fire() }
        attached.clear()
        try {
            selector.close()
        } catch (_: IOException) {
            // nothing useful to do about a failed close
        }
    }

    /** One wait: WAITING until the selector fires it or its coroutine is cancelled. */
    private class Registration(
        val channel: SelectableChannel,
        val ops: Int,
        private val cont: CancellableContinuation<Unit>,
    ) {
        private val state = AtomicInteger(WAITING)

        val isWaiting: Boolean get() = state.get() == WAITING

        /** From the cancellation handler: fast, lock-free, callable from any thread. */
        fun cancel() {
            state.compareAndSet(WAITING, CANCELLED)
        }

        fun fire() {
            if (!state.compareAndSet(WAITING, FIRED)) {
                return
            }
            // An unconfined (or missing) dispatcher would run the coroutine on the selector thread,
            // which must never run user code: hand such resumptions to Dispatchers.Default.
            val dispatcher = cont.context[ContinuationInterceptor] as? CoroutineDispatcher
            if (dispatcher != null && dispatcher.isDispatchNeeded(cont.context)) {
                cont.resume(Unit)
            } else {
                Dispatchers.Default.dispatch(cont.context, Runnable { cont.resume(Unit) })
            }
        }
    }

    /** The process-wide waiter ([shared]). */
    public companion object {
        private const val WAITING = 0
        private const val FIRED = 1
        private const val CANCELLED = 2

        /** How often the selector wakes up anyway, to notice channels closed under a waiter. */
        private const val SWEEP_MILLIS = 1000L

        private val startLock = ReentrantLock()
        @Volatile
        private var current: SelectorWaiter? = null

        /** The process-wide waiter, started on first use (and again if its thread died). */
        @JvmStatic
        public fun shared(): SelectorWaiter {
            current?.let { if (!it.dead) return it }
            return startLock.withLock {
                current?.takeIf { !it.dead } ?: try {
                    SelectorWaiter().also {
                        it.thread.start()
                        current = it
                    }
                } catch (e: IOException) {
                    throw UncheckedIOException("cannot open the selector of the pgreen waiter", e)
                }
            }
        }

        /** The selector thread of [shared] (for tests and diagnostics). */
        internal fun sharedThread(): Thread = shared().thread
    }
}
