package dev.pgreen.loom;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.Iterator;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One platform daemon thread owning a {@link Selector}, which waits for the
 * channels of parked threads and unparks each one when its channel is ready.
 *
 * <p>Why a poller of our own: a virtual thread that calls {@code Selector.select()}
 * blocks its carrier (on JDK 21 and 25 alike; the scheduler compensates with a
 * new carrier up to {@code maxPoolSize}, then nothing runs), and the JDK's own
 * poller, which parks a virtual thread on a <em>blocking</em> channel, is not
 * public: it is reached only through a read or write, while the driver's reads
 * and writes must stay inside {@link dev.pgreen.Connection#poll()} on a
 * non-blocking channel. So a waiting thread hands (channel, ops, thread) to this
 * thread and parks with {@link LockSupport}; parking releases the carrier.
 *
 * <p>Registrations travel through a lock-free queue and {@link Selector#wakeup()},
 * so the poller never holds anything a waiter needs while it selects. Only the
 * poller thread touches keys. A channel keeps its key between waits (interest 0
 * when nobody waits), so a wait costs one interest update, not a register and a
 * deregister. Each wait is one-shot: once its key fires, interest drops to 0.
 */
final class ChannelPoller {
    private static final System.Logger LOG = System.getLogger(ChannelPoller.class.getName());
    private static final ReentrantLock START_LOCK = new ReentrantLock();
    private static volatile ChannelPoller current;

    private final Selector selector;
    private final ConcurrentLinkedQueue<Waiter> registrations = new ConcurrentLinkedQueue<>();
    /** The waits handed to the selector; only the poller thread touches it. */
    private final java.util.Set<Waiter> registered = new java.util.HashSet<>();
    private final Thread thread;
    private volatile boolean dead;

    private ChannelPoller() throws IOException {
        this.selector = Selector.open();
        this.thread = Thread.ofPlatform().daemon().name("pgreen-loom-poller").unstarted(this::run);
    }

    /** The running poller, started on first use, and again if the last one died. */
    static ChannelPoller get() {
        ChannelPoller p = current;
        if (p != null && !p.dead) {
            return p;
        }
        START_LOCK.lock();
        try {
            p = current;
            if (p == null || p.dead) {
                try {
                    p = new ChannelPoller();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot open the selector of the pgreen poller", e);
                }
                p.thread.start();
                current = p;
            }
            return p;
        } finally {
            START_LOCK.unlock();
        }
    }

    /**
     * Parks the calling thread until {@code channel} is ready for {@code ops},
     * the timeout passes, the thread is interrupted, or the channel is closed.
     * May return early (a spurious unpark): callers poll again and, when still
     * not ready, wait again.
     *
     * @param timeoutNanos how long to wait at most; negative: no limit
     * @return true when the poller reported the channel ready
     */
    boolean await(SelectableChannel channel, int ops, long timeoutNanos) {
        Waiter w = new Waiter(channel, ops, Thread.currentThread());
        registrations.add(w);
        if (dead) {
            // The poller died after its last drain and will never see us: a spurious return, the caller retries.
            w.abandon();
            return false;
        }
        selector.wakeup();
        long deadline = timeoutNanos < 0 ? 0 : System.nanoTime() + timeoutNanos;
        try {
            while (w.state == Waiter.WAITING) {
                // Untimed when there is no timeout: a timed park costs a timer on the scheduler per wait
                // (on JDK 25 a wake-up of its delay thread per query). A closed channel is noticed by the poller.
                if (timeoutNanos < 0) {
                    LockSupport.park(this);
                } else {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    LockSupport.parkNanos(this, left);
                }
                if (Thread.currentThread().isInterrupted() || !channel.isOpen() || dead) {
                    // An interrupt is the caller's business (it cancels the query); a closed channel is
                    // reported by the next poll(), and a dead poller is replaced on the next wait.
                    break;
                }
            }
        } finally {
            w.abandon();
        }
        return w.state == Waiter.READY && !dead;
    }

    /**
     * The poller selects at least this often even when nothing happens: a channel
     * closed while registered here keeps its file descriptor until a selection
     * deregisters its key, and closing a registered channel cancels its key
     * without waking the selector, so its waiter is woken by this sweep. The
     * driver shuts a socket down before closing it under a waiter (which wakes
     * the selector at once); only a channel closed some other way waits for it.
     */
    private static final long DEREGISTER_MILLIS = 1000;

    private void run() {
        try {
            long nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEREGISTER_MILLIS);
            while (!dead) {
                register();
                selector.select(DEREGISTER_MILLIS);
                fire();
                if (System.nanoTime() - nextSweep >= 0) {
                    wakeClosed();
                    nextSweep = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DEREGISTER_MILLIS);
                }
            }
        } catch (IOException | RuntimeException | Error e) {
            LOG.log(System.Logger.Level.ERROR, "the pgreen poller failed; waiting threads retry on a new one", e);
        } finally {
            die();
        }
    }

    private void register() {
        for (Waiter w; (w = registrations.poll()) != null; ) {
            if (w.state != Waiter.WAITING) {
                continue;
            }
            SelectionKey key = w.channel.keyFor(selector);
            registered.add(w);
            try {
                if (key == null) {
                    w.channel.register(selector, w.ops, w);
                } else {
                    key.attach(w);
                    key.interestOps(w.ops);
                }
            } catch (ClosedChannelException | CancelledKeyException e) {
                // Closed meanwhile: wake the waiter, whose next poll() reports the closed connection.
                w.fire();
            } catch (IllegalArgumentException | java.nio.channels.IllegalBlockingModeException e) {
                // Not something a selector can wait on: let the waiter fail on its own terms.
                w.fire();
            }
        }
    }

    private void fire() {
        Iterator<SelectionKey> it = selector.selectedKeys().iterator();
        while (it.hasNext()) {
            SelectionKey key = it.next();
            it.remove();
            Waiter w = (Waiter) key.attachment();
            key.attach(null);
            try {
                key.interestOps(0);
            } catch (CancelledKeyException ignored) {
                // The channel was closed; nothing more to wait for on it.
            }
            if (w != null) {
                w.fire();
            }
        }
    }

    /**
     * Wakes the waiters whose channel was closed without a wake-up of the
     * selector (their keys may already be gone from it), and forgets the waits
     * that ended.
     */
    private void wakeClosed() {
        for (Iterator<Waiter> it = registered.iterator(); it.hasNext(); ) {
            Waiter w = it.next();
            if (w.state != Waiter.WAITING) {
                it.remove();
            } else if (!w.channel.isOpen()) {
                it.remove();
                w.fire();
            }
        }
    }

    private void die() {
        dead = true;
        for (Waiter w; (w = registrations.poll()) != null; ) {
            w.fire();
        }
        try {
            for (SelectionKey key : selector.keys()) {
                if (key.attachment() instanceof Waiter w) {
                    w.fire();
                }
            }
        } catch (ClosedSelectorException | java.util.ConcurrentModificationException ignored) {
            // Waiters re-check `dead` after every park, so none is left behind.
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // Nothing useful to do about a failed close.
        }
    }

    /** Stops the poller (tests): waiters return and retry on a new one. */
    void shutdownForTest() {
        dead = true;
        selector.wakeup();
    }

    Thread thread() {
        return thread;
    }

    /** One wait: WAITING until the poller fires it (READY) or its thread gives up (ABANDONED). */
    static final class Waiter {
        static final int WAITING = 0;
        static final int READY = 1;
        static final int ABANDONED = 2;
        private static final VarHandle STATE;

        static {
            try {
                STATE = MethodHandles.lookup().findVarHandle(Waiter.class, "state", int.class);
            } catch (ReflectiveOperationException e) {
                throw new ExceptionInInitializerError(e);
            }
        }

        final SelectableChannel channel;
        final int ops;
        final Thread thread;
        volatile int state;

        Waiter(SelectableChannel channel, int ops, Thread thread) {
            this.channel = channel;
            this.ops = ops;
            this.thread = thread;
        }

        void fire() {
            if (STATE.compareAndSet(this, WAITING, READY)) {
                LockSupport.unpark(thread);
            }
        }

        void abandon() {
            STATE.compareAndSet(this, WAITING, ABANDONED);
        }
    }
}
