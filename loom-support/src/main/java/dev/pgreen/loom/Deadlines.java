package dev.pgreen.loom;

import java.util.TreeSet;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The deadlines of callers waiting under one lock, kept by one thread, so that the callers
 * themselves can wait untimed. A timed park of a virtual thread schedules a timer task on the
 * virtual-thread scheduler and cancels it when woken earlier, which costs more than the rest of a
 * pool hand-off (about 40 µs of CPU per wait measured under W3's 10,000 threads); here only the
 * earliest deadline is ever timed, by this one thread. The keeper is a virtual thread too: only
 * virtual threads should wait on it (platform threads wait timed, which costs them a futex timeout
 * and nothing else), and a virtual thread whose deadline passes needs a carrier to go on anyway,
 * as it would after a timed park; a platform keeper cost a thread wake-up whenever the set of
 * waiters refilled.
 */
final class Deadlines {
    /**
     * One caller's deadline. The keeper only wakes the caller; whether the deadline passed, the caller
     * reads from its own clock, as it does after any wake-up.
     */
    static final class Due {
        private final long deadline;
        private final long order;
        private final Condition wake;

        private Due(long deadline, long order, Condition wake) {
            this.deadline = deadline;
            this.order = order;
            this.wake = wake;
        }
    }

    private static final System.Logger LOG = System.getLogger(Deadlines.class.getName());

    private final ReentrantLock lock;
    private final Condition earliestChanged;
    /**
     * By deadline, then by arrival. Deadlines are System.nanoTime values, compared by difference:
     * callers keep them within a century of now, so differences cannot overflow.
     */
    private final TreeSet<Due> pending = new TreeSet<>((a, b) -> {
        int byTime = Long.compare(a.deadline - b.deadline, 0);
        return byTime != 0 ? byTime : Long.compare(a.order, b.order);
    });
    private long arrivals;
    /** The deadline the keeper sleeps until, or null while it waits for a first one (or runs). */
    private Due armedFor;
    private boolean closed;

    /** Starts the keeper, a virtual thread named {@code threadName}, which works under {@code lock}. */
    Deadlines(ReentrantLock lock, String threadName) {
        this.lock = lock;
        this.earliestChanged = lock.newCondition();
        Thread.ofVirtual().name(threadName).start(this::keep);
    }

    /**
     * With the lock held: {@code wake} is signalled once {@code deadline} (a System.nanoTime at most a
     * century away) passes.
     */
    Due addLocked(long deadline, Condition wake) {
        Due due = new Due(deadline, arrivals++, wake);
        pending.add(due);
        // Only a deadline earlier than the one the keeper sleeps until needs to wake it.
        if (armedFor == null || pending.comparator().compare(due, armedFor) < 0) {
            earliestChanged.signal();
        }
        return due;
    }

    /** With the lock held: the caller stopped waiting (served, failed or timed out). */
    void removeLocked(Due due) {
        pending.remove(due);
    }

    /**
     * Stops the keeper. Callers must be gone by then: one still parked untimed would never time out
     * (PgPool releases every waiter when it closes).
     */
    void close() {
        lock.lock();
        try {
            closed = true;
            earliestChanged.signal();
        } finally {
            lock.unlock();
        }
    }

    private void keep() {
        lock.lock();
        try {
            while (!closed) {
                try {
                    if (pending.isEmpty()) {
                        armedFor = null;
                        earliestChanged.await();
                        continue;
                    }
                    Due first = pending.first();
                    long left = first.deadline - System.nanoTime();
                    if (left > 0) {
                        armedFor = first;
                        earliestChanged.awaitNanos(left);
                        armedFor = null;
                        continue;
                    }
                    pending.pollFirst();
                    first.wake.signal();
                } catch (InterruptedException e) {
                    // Waiters rely on the keeper: only close() stops it.
                } catch (RuntimeException e) {
                    LOG.log(System.Logger.Level.ERROR, "pool deadline keeper: " + e.getMessage(), e);
                }
            }
        } finally {
            lock.unlock();
        }
    }
}
