package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.ConnectionFactory;
import dev.pgreen.Cursor;
import dev.pgreen.Pgreen;
import dev.pgreen.TransactionStatus;
import dev.pgreen.WaitCallback;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * A connection pool for virtual threads (and platform threads): at most
 * {@code maxSize} connections, handed out first come, first served.
 *
 * <pre>{@code
 * Loom.install();
 * try (PgPool pool = PgPool.builder(dsn).maxSize(16).build()) {
 *     try (PooledConnection pc = pool.acquire()) {
 *         pc.cursor().execute("SELECT ...");
 *     }
 * }
 * }</pre>
 *
 * <ul>
 *   <li><b>Fair</b>: callers that must wait queue in arrival order, and a returned
 *       connection goes straight to the first of them, so a newcomer never overtakes.</li>
 *   <li><b>Bounded waits</b>: {@link #acquire()} gives up after the acquire timeout with a
 *       {@link PoolTimeoutException} saying how many connections were in use and how many waited.
 *       An interrupted waiter leaves the queue with an {@link OperationalException}, flag restored.</li>
 *   <li><b>Clean on return</b>: a connection returned inside a transaction (open or failed) is rolled
 *       back; the autocommit setting is restored, and an optional reset statement and hook run. One
 *       that cannot be cleaned, or is closed, or is older than {@code maxLifetime}, is closed, and the
 *       next caller that needs one opens a replacement.</li>
 *   <li><b>Validated on checkout</b>: a connection is checked without a round trip (a non-blocking read
 *       that sees a backend that was terminated or a socket the server closed), and with the
 *       validation query when it was idle longer than {@code validateAfterIdle}; a broken one is
 *       replaced on the spot, for the same caller.</li>
 *   <li><b>Housekeeping</b>: a virtual thread closes connections idle longer than {@code idleTimeout}
 *       (down to {@code minIdle}) or older than {@code maxLifetime}, and keeps {@code minIdle} open.</li>
 *   <li><b>Close</b> refuses new callers, fails the waiting ones, closes the idle connections, and waits
 *       up to a timeout for the borrowed ones to come back (they are closed as they do).</li>
 * </ul>
 *
 * <p>Only {@link ReentrantLock}s and {@link Condition}s: a waiting virtual thread parks, it never
 * pins its carrier, and no lock is held across a connect or a statement.
 *
 * <p>Each connection gets the pool's wait callback ({@link Loom#waitCallback()} by default). Its
 * connect runs before that can be set, through the global callback: install {@link Loom#install()}
 * globally for a connect that does not block a carrier either.
 */
public final class PgPool implements AutoCloseable {
    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final String name;
    private final String dsn;
    private final ConnectionFactory<? extends Connection> factory;
    private final int maxSize;
    private final int minIdle;
    private final Duration acquireTimeout;
    private final long maxLifetimeNanos;
    private final long idleTimeoutNanos;
    private final long validateAfterIdleNanos;
    private final Duration validationTimeout;
    private final String validationQuery;
    private final Duration closeTimeout;
    private final boolean autocommit;
    private final String resetQuery;
    private final WaitCallback waitCallback;
    private final Consumer<Connection> configure;
    private final Consumer<Connection> reset;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    /** Idle connections, most recently returned first: reuse takes the head, eviction the tail. */
    private final ArrayDeque<Slot> idle = new ArrayDeque<>();
    /** Callers waiting for a connection, in arrival order. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final Set<Slot> borrowed = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Connections open or being opened: idle + borrowed + connecting. Guarded by lock. */
    private int size;
    private long opened;
    private long closedCount;
    private volatile boolean closed;
    private final Thread housekeeper;

    /** One pooled connection and its times (System.nanoTime). */
    static final class Slot {
        final Connection conn;
        final long createdAt;
        long idleSince;

        Slot(Connection conn, long createdAt) {
            this.conn = conn;
            this.createdAt = createdAt;
            this.idleSince = createdAt;
        }
    }

    /** A queued caller; its fields are guarded by the pool's lock. */
    private static final class Waiter {
        final Condition ready;
        boolean done;
        /** Handed a connection... */
        Slot slot;
        /** ...or the right to open one (a unit of {@code size} reserved for it)... */
        boolean mayOpen;
        /** ...or told the pool closed. */
        boolean poolClosed;

        Waiter(Condition ready) {
            this.ready = ready;
        }
    }

    private PgPool(Builder b) {
        this.name = b.name != null ? b.name : "pgreen-pool-" + POOL_IDS.incrementAndGet();
        this.dsn = b.dsn;
        this.factory = b.factory;
        this.maxSize = b.maxSize;
        this.minIdle = Math.min(b.minIdle, b.maxSize);
        this.acquireTimeout = b.acquireTimeout;
        this.maxLifetimeNanos = nanosOrZero(b.maxLifetime);
        this.idleTimeoutNanos = nanosOrZero(b.idleTimeout);
        this.validateAfterIdleNanos = b.validateAfterIdle == null ? -1 : b.validateAfterIdle.toNanos();
        this.validationTimeout = b.validationTimeout;
        this.validationQuery = b.validationQuery;
        this.closeTimeout = b.closeTimeout;
        this.autocommit = b.autocommit;
        this.resetQuery = b.resetQuery;
        this.waitCallback = b.waitCallback;
        this.configure = b.configure;
        this.reset = b.reset;
        long period = b.housekeepingPeriod != null ? b.housekeepingPeriod.toNanos() : defaultHousekeepingPeriod();
        this.housekeeper = Thread.ofVirtual().name(name + "-housekeeper").unstarted(() -> housekeep(period));
        this.mbeanName = b.registerMBean ? registerMBean() : null;
        housekeeper.start();
    }

    private static final System.Logger LOG = System.getLogger(PgPool.class.getName());
    private final javax.management.ObjectName mbeanName;

    /** Publishes {@link #stats()} over JMX; a pool that cannot be registered (a duplicate name) just logs why. */
    private javax.management.ObjectName registerMBean() {
        try {
            javax.management.ObjectName on = new javax.management.ObjectName(
                    "dev.pgreen:type=PgPool,name=" + javax.management.ObjectName.quote(name));
            PoolStatsMXBean bean = new PoolStatsMXBean() {
                public int getSize() { return stats().size(); }
                public int getIdle() { return stats().idle(); }
                public int getBorrowed() { return stats().borrowed(); }
                public int getPending() { return stats().pending(); }
                public int getMaxSize() { return stats().maxSize(); }
                public long getOpened() { return stats().opened(); }
                public long getClosed() { return stats().closed(); }
            };
            java.lang.management.ManagementFactory.getPlatformMBeanServer().registerMBean(bean, on);
            return on;
        } catch (javax.management.JMException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pool '" + name + "': statistics not published over JMX: " + e);
            return null;
        }
    }

    private void unregisterMBean() {
        if (mbeanName != null) {
            try {
                java.lang.management.ManagementFactory.getPlatformMBeanServer().unregisterMBean(mbeanName);
            } catch (javax.management.JMException | RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, "pool '" + name + "': " + e);
            }
        }
    }

    /**
     * Starts the settings of a pool.
     *
     * @param dsn what each connection connects to, as {@link dev.pgreen.Pgreen#connect(String)} takes it
     * @return a builder with the defaults
     */
    public static Builder builder(String dsn) {
        return new Builder(dsn);
    }

    /**
     * A pool of at most {@code maxSize} connections with the defaults of {@link Builder}.
     *
     * @param dsn what each connection connects to
     * @param maxSize the most connections open at once
     * @return the pool
     * @throws IllegalArgumentException if {@code maxSize} is less than 1
     */
    public static PgPool create(String dsn, int maxSize) {
        return builder(dsn).maxSize(maxSize).build();
    }

    /**
     * The pool's name, shown in messages, thread names and its MBean's.
     *
     * @return the name given to {@link Builder#name}, or {@code pgreen-pool-<n>}
     */
    public String name() {
        return name;
    }

    // ---- checkout ----

    /**
     * Borrows a connection, waiting at most the pool's acquire timeout; a virtual thread parks while it waits.
     *
     * @return the borrowed connection; close it to give it back
     * @throws PoolTimeoutException when none became available in time
     * @throws InterfaceException when the pool is (or gets) closed
     * @throws OperationalException when the thread is interrupted while waiting, or a connection could not
     *     be opened
     */
    public PooledConnection acquire() {
        return acquire(acquireTimeout);
    }

    /**
     * Borrows a connection, waiting at most {@code timeout} for one to be returned
     * or for room to open one.
     *
     * @param timeout the longest to wait
     * @return the borrowed connection; close it to give it back
     * @throws PoolTimeoutException   when none became available in time
     * @throws InterfaceException     when the pool is (or gets) closed
     * @throws OperationalException   when the thread is interrupted while waiting (flag restored),
     *                                or a connection could not be opened (the driver's error)
     */
    public PooledConnection acquire(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long start = System.nanoTime();
        Slot slot = claim(start, timeout);
        slot = slot == null ? openBorrowed() : checkOut(slot);
        return new PooledConnection(this, slot);
    }

    /**
     * Runs {@code work} on a borrowed connection and returns its result; the connection goes back after,
     * rolled back if it was left in a transaction.
     *
     * @param <T> the result's type
     * @param work what to do with the connection
     * @return what {@code work} returned
     * @throws PoolTimeoutException when no connection became available in time
     */
    public <T> T withConnection(Function<? super Connection, ? extends T> work) {
        try (PooledConnection pc = acquire()) {
            return work.apply(pc.connection());
        }
    }

    /**
     * Runs {@code work} in a transaction on a borrowed connection: commits when it returns, rolls
     * back when it throws.
     *
     * @param <T> the result's type
     * @param work what to do in the transaction
     * @return what {@code work} returned
     * @throws PoolTimeoutException when no connection became available in time
     * @throws dev.pgreen.errors.PgException the commit's error, or whatever {@code work} threw
     */
    public <T> T inTransaction(Function<? super Connection, ? extends T> work) {
        try (PooledConnection pc = acquire()) {
            Connection conn = pc.connection();
            T result = work.apply(conn);
            conn.commit();
            return result;
        }
    }

    /**
     * Takes an idle connection, or reserves room to open one (returns null), or
     * queues until the head of the queue is served one of those.
     */
    private Slot claim(long start, Duration timeout) {
        long deadline = start + saturatedNanos(timeout);
        lock.lock();
        try {
            ensureOpen();
            if (waiters.isEmpty()) {
                Slot s = idle.pollFirst();
                if (s != null) {
                    borrowed.add(s);
                    return s;
                }
                if (size < maxSize) {
                    size++;
                    return null;
                }
            }
            Waiter w = new Waiter(lock.newCondition());
            waiters.addLast(w);
            try {
                while (!w.done) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        waiters.remove(w);
                        throw new PoolTimeoutException("pool '" + name + "': no connection available within "
                                + timeout.toMillis() + " ms (" + borrowed.size() + " of " + maxSize
                                + " in use, " + waiters.size() + " other callers waiting)");
                    }
                    w.ready.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                if (w.done) {
                    giveBackLocked(w);
                } else {
                    waiters.remove(w);
                }
                Thread.currentThread().interrupt();
                throw new OperationalException("interrupted while waiting for a connection from pool '" + name + "'",
                        e);
            }
            if (w.poolClosed) {
                throw closedException();
            }
            return w.slot;
        } finally {
            lock.unlock();
        }
    }

    /** What an interrupted waiter had been given goes to the next in line. */
    private void giveBackLocked(Waiter w) {
        if (w.slot != null) {
            borrowed.remove(w.slot);
            offerLocked(w.slot);
        } else if (w.mayOpen) {
            size--;
            roomFreedLocked();
        }
    }

    /** Validates a connection taken from the pool; a broken one is replaced for the same caller. */
    private Slot checkOut(Slot s) {
        String problem = problem(s);
        if (problem == null) {
            return s;
        }
        // The broken connection's unit of size goes to its replacement: the caller keeps its turn.
        lock.lock();
        try {
            borrowed.remove(s);
            closedCount++;
        } finally {
            lock.unlock();
        }
        closeQuietly(s.conn);
        return openBorrowed();
    }

    /** Why the connection cannot be handed out, or null when it can. */
    private String problem(Slot s) {
        Connection conn = s.conn;
        long now = System.nanoTime();
        if (conn.isClosed()) {
            return "closed";
        }
        if (maxLifetimeNanos > 0 && now - s.createdAt >= maxLifetimeNanos) {
            return "past its maximum lifetime";
        }
        try {
            // No round trip: reads what the server sent while the connection idled; a terminated
            // backend (its FATAL message, then end of stream) fails here and closes the connection.
            conn.poll();
        } catch (RuntimeException e) {
            return "broken: " + e.getMessage();
        }
        if (conn.isClosed()) {
            return "closed by the server";
        }
        if (validateAfterIdleNanos >= 0 && now - s.idleSince >= validateAfterIdleNanos) {
            try {
                bounded(conn, "the validation query", () -> {
                    try (Cursor cur = conn.cursor()) {
                        cur.execute(validationQuery);
                    }
                    if (!conn.isAutocommit()) {
                        conn.rollback();
                    }
                });
            } catch (RuntimeException e) {
                return "failed validation: " + e.getMessage();
            }
        }
        return null;
    }

    /** Opens a connection for the caller, who holds a reserved unit of size. */
    private Slot openBorrowed() {
        Slot s = open();
        lock.lock();
        try {
            if (!closed) {
                borrowed.add(s);
                return s;
            }
            size--;
            closedCount++;
            roomFreedLocked();
        } finally {
            lock.unlock();
        }
        closeQuietly(s.conn);
        throw closedException();
    }

    /** Connects with a reserved unit of size; a failure frees it (for the next in line) and propagates. */
    private Slot open() {
        Connection conn = null;
        try {
            // The connection's own callback covers its connect too: a virtual thread connecting stays green.
            WaitCallback cb = waitCallback;
            conn = cb == null ? Pgreen.connect(dsn, factory)
                    : Pgreen.connect(dsn, info -> factory.create(info.withWaitCallback(cb)));
            if (autocommit) {
                conn.setAutocommit(true);
            }
            if (configure != null) {
                configure.accept(conn);
            }
        } catch (RuntimeException | Error e) {
            if (conn != null) {
                closeQuietly(conn);
            }
            lock.lock();
            try {
                size--;
                roomFreedLocked();
            } finally {
                lock.unlock();
            }
            throw e;
        }
        int now;
        lock.lock();
        try {
            opened++;
            now = size;
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "pool '" + name + "' grew: opened a connection (size " + now + ")");
        return new Slot(conn, System.nanoTime());
    }

    // ---- return ----

    /** Called by {@link PooledConnection#close()} and {@link PooledConnection#discard()}, once per checkout. */
    void release(Slot s, boolean discard) {
        boolean retire = discard || closed || !cleanUp(s.conn)
                || (maxLifetimeNanos > 0 && System.nanoTime() - s.createdAt >= maxLifetimeNanos);
        lock.lock();
        try {
            borrowed.remove(s);
            if (retire || closed) {
                size--;
                closedCount++;
                roomFreedLocked();
            } else {
                offerLocked(s);
                return;
            }
        } finally {
            lock.unlock();
        }
        LOG.log(System.Logger.Level.DEBUG, () -> "pool '" + name + "' shrank: closed a returned connection ("
                + (discard ? "discarded" : closed ? "pool closed" : s.conn.isClosed() ? "broken" : "retired") + ")");
        closeQuietly(s.conn);
    }

    /**
     * Makes a returned connection fit for the next caller: rolls back an open or
     * failed transaction, restores autocommit, runs the reset statement and hook.
     * False when it cannot be (closed, busy, or the clean-up failed): it is closed then.
     */
    private boolean cleanUp(Connection conn) {
        if (conn.isClosed()) {
            return false;
        }
        try {
            TransactionStatus status = conn.transactionStatus();
            switch (status) {
                case IDLE -> { }
                case INTRANS, INERROR -> bounded(conn, "the rollback of a returned connection", conn::rollback);
                default -> {
                    return false;
                }
            }
            if (conn.isAutocommit() != autocommit) {
                bounded(conn, "restoring autocommit", () -> conn.setAutocommit(autocommit));
            }
            if (resetQuery != null) {
                bounded(conn, "the reset statement", () -> {
                    // Statements like DISCARD ALL refuse to run inside a transaction block.
                    if (!autocommit) conn.setAutocommit(true);
                    try (Cursor cur = conn.cursor()) {
                        cur.execute(resetQuery);
                    } finally {
                        if (!autocommit) conn.setAutocommit(false);
                    }
                });
            }
            if (reset != null) {
                bounded(conn, "the reset hook", () -> reset.accept(conn));
            }
            return !conn.isClosed() && conn.transactionStatus() == TransactionStatus.IDLE;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /**
     * Runs the pool's own statements within the validation timeout, whatever the
     * connection's callback: a server that stopped answering cannot hang the pool.
     * A pending interrupt is kept away (it would cancel them) and restored after.
     */
    private void bounded(Connection conn, String what, Runnable action) {
        WaitCallback saved = conn.waitCallback();
        long deadline = System.nanoTime() + saturatedNanos(validationTimeout);
        String label = what + " (pool '" + name + "', " + validationTimeout.toMillis() + " ms)";
        conn.setWaitCallback(c -> VirtualThreadWait.awaitUntil(c, deadline, label));
        boolean interrupted = Thread.interrupted();
        try {
            action.run();
        } finally {
            conn.setWaitCallback(saved);
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** A ready connection goes to the first waiter, else to the head of the idle deque. */
    private void offerLocked(Slot s) {
        Waiter w = waiters.pollFirst();
        if (w != null) {
            w.slot = s;
            w.done = true;
            borrowed.add(s);
            w.ready.signal();
        } else {
            s.idleSince = System.nanoTime();
            idle.addFirst(s);
        }
    }

    /** After {@code size} went down: the first waiter may open a connection; close() learns of it. */
    private void roomFreedLocked() {
        if (closed) {
            if (size == 0) {
                drained.signalAll();
            }
            return;
        }
        if (size < maxSize) {
            Waiter w = waiters.pollFirst();
            if (w != null) {
                size++;
                w.mayOpen = true;
                w.done = true;
                w.ready.signal();
            }
        }
    }

    // ---- housekeeping ----

    private long defaultHousekeepingPeriod() {
        long shortest = Duration.ofSeconds(30).toNanos();
        if (idleTimeoutNanos > 0) shortest = Math.min(shortest, idleTimeoutNanos / 2);
        if (maxLifetimeNanos > 0) shortest = Math.min(shortest, maxLifetimeNanos / 2);
        return Math.max(shortest, Duration.ofMillis(10).toNanos());
    }

    private void housekeep(long periodNanos) {
        while (!closed) {
            try {
                Thread.sleep(Duration.ofNanos(periodNanos));
            } catch (InterruptedException e) {
                return;
            }
            try {
                evict();
                fillToMinIdle();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING,
                        "pool '" + name + "': housekeeping failed: " + e.getMessage(), e);
            }
        }
    }

    /** Closes idle connections past the idle timeout (above minIdle) or past their lifetime, oldest first. */
    void evict() {
        List<Slot> toClose = new ArrayList<>();
        lock.lock();
        try {
            long now = System.nanoTime();
            for (Iterator<Slot> it = idle.descendingIterator(); it.hasNext(); ) {
                Slot s = it.next();
                boolean expired = maxLifetimeNanos > 0 && now - s.createdAt >= maxLifetimeNanos;
                boolean idledOut = idleTimeoutNanos > 0 && now - s.idleSince >= idleTimeoutNanos && size > minIdle;
                if (expired || idledOut || s.conn.isClosed()) {
                    it.remove();
                    size--;
                    closedCount++;
                    toClose.add(s);
                }
            }
            if (!toClose.isEmpty()) {
                roomFreedLocked();
            }
        } finally {
            lock.unlock();
        }
        if (!toClose.isEmpty()) {
            LOG.log(System.Logger.Level.DEBUG, () -> "pool '" + name + "' evicted " + toClose.size()
                    + " idle connection(s) (idle timeout, lifetime or closed)");
        }
        toClose.forEach(s -> closeQuietly(s.conn));
    }

    private void fillToMinIdle() {
        for (;;) {
            lock.lock();
            try {
                if (closed || size >= minIdle || !waiters.isEmpty()) {
                    return;
                }
                size++;
            } finally {
                lock.unlock();
            }
            Slot s = open();
            lock.lock();
            try {
                if (closed) {
                    size--;
                    closedCount++;
                    roomFreedLocked();
                } else {
                    offerLocked(s);
                    continue;
                }
            } finally {
                lock.unlock();
            }
            closeQuietly(s.conn);
            return;
        }
    }

    // ---- state and close ----

    /**
     * A snapshot of the pool's counts, also published over JMX ({@link PoolStatsMXBean}).
     *
     * @return the counts as of now
     */
    public PoolStats stats() {
        lock.lock();
        try {
            return new PoolStats(size, idle.size(), borrowed.size(), waiters.size(), maxSize, opened, closedCount);
        } finally {
            lock.unlock();
        }
    }

    /**
     * Whether the pool has been closed.
     *
     * @return true once {@link #close()} has been called
     */
    public boolean isClosed() {
        return closed;
    }

    /** Closes the pool, waiting at most the pool's close timeout for borrowed connections; see {@link #close(Duration)}. */
    @Override
    public void close() {
        close(closeTimeout);
    }

    /**
     * Closes the pool: new calls to {@link #acquire()} fail, waiting callers fail,
     * idle connections are closed, and borrowed connections are closed as they come
     * back. Waits at most {@code timeout} for that; if some are still out then, it
     * sends a cancel request for whatever they are running (so a long statement does
     * not hold the shutdown) and returns false; they are closed when returned.
     *
     * @param timeout the longest to wait for borrowed connections
     * @return true when every connection of the pool was closed within the timeout
     */
    public boolean close(Duration timeout) {
        List<Slot> toClose = new ArrayList<>();
        lock.lock();
        try {
            if (!closed) {
                closed = true;
                for (Waiter w : waiters) {
                    w.poolClosed = true;
                    w.done = true;
                    w.ready.signal();
                }
                waiters.clear();
                toClose.addAll(idle);
                size -= idle.size();
                closedCount += idle.size();
                idle.clear();
            }
        } finally {
            lock.unlock();
        }
        housekeeper.interrupt();
        unregisterMBean();
        toClose.forEach(s -> closeQuietly(s.conn));
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        List<Slot> outstanding;
        lock.lock();
        try {
            try {
                while (size > 0) {
                    long left = deadline - System.nanoTime();
                    if (left <= 0) {
                        break;
                    }
                    drained.awaitNanos(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (size == 0) {
                return true;
            }
            outstanding = new ArrayList<>(borrowed);
        } finally {
            lock.unlock();
        }
        for (Slot s : outstanding) {
            try {
                s.conn.cancel();
            } catch (RuntimeException ignored) {
                // Closed meanwhile, or the server is gone: nothing left to cancel.
            }
        }
        return false;
    }

    private void ensureOpen() {
        if (closed) {
            throw closedException();
        }
    }

    private InterfaceException closedException() {
        return new InterfaceException("pool '" + name + "' is closed");
    }

    private static void closeQuietly(Connection conn) {
        boolean interrupted = Thread.interrupted();
        try {
            conn.close();
        } catch (RuntimeException ignored) {
            // Already broken: closing is all that was left to do.
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static long nanosOrZero(Duration d) {
        return d == null || d.isZero() || d.isNegative() ? 0 : saturatedNanos(d);
    }

    private static long saturatedNanos(Duration d) {
        try {
            return d.toNanos();
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 2;
        }
    }

    @Override
    public String toString() {
        return "PgPool(" + name + ")";
    }

    /** The settings of a {@link PgPool}; every setter returns the builder. */
    public static final class Builder {
        private final String dsn;
        private String name;
        private ConnectionFactory<? extends Connection> factory = Connection::new;
        private int maxSize = 10;
        private int minIdle;
        private Duration acquireTimeout = Duration.ofSeconds(30);
        private Duration maxLifetime = Duration.ofMinutes(30);
        private Duration idleTimeout = Duration.ofMinutes(10);
        private Duration validateAfterIdle = Duration.ofSeconds(1);
        private Duration validationTimeout = Duration.ofSeconds(5);
        private String validationQuery = "SELECT 1";
        private Duration closeTimeout = Duration.ofSeconds(30);
        private Duration housekeepingPeriod;
        private boolean autocommit;
        private String resetQuery;
        private WaitCallback waitCallback = Loom.waitCallback();
        private Consumer<Connection> configure;
        private Consumer<Connection> reset;
        private boolean registerMBean = true;

        private Builder(String dsn) {
            this.dsn = Objects.requireNonNull(dsn, "dsn");
        }

        /**
         * Shown in messages and thread names; never the DSN, which may hold a password.
         *
         * @param name the pool's name
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * How connections are made ({@code Pgreen.connect(dsn, factory)}); default {@code Connection::new}.
         *
         * @param factory makes each connection
         * @return this builder
         */
        public Builder connectionFactory(ConnectionFactory<? extends Connection> factory) {
            this.factory = Objects.requireNonNull(factory, "factory");
            return this;
        }

        /**
         * The most connections open at once (default 10).
         *
         * @param maxSize the limit, at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code maxSize} is less than 1
         */
        public Builder maxSize(int maxSize) {
            if (maxSize < 1) throw new IllegalArgumentException("maxSize must be at least 1: " + maxSize);
            this.maxSize = maxSize;
            return this;
        }

        /**
         * Connections kept open even when idle (default 0).
         *
         * @param minIdle how many, at least 0
         * @return this builder
         * @throws IllegalArgumentException if {@code minIdle} is negative
         */
        public Builder minIdle(int minIdle) {
            if (minIdle < 0) throw new IllegalArgumentException("minIdle must not be negative: " + minIdle);
            this.minIdle = minIdle;
            return this;
        }

        /**
         * How long {@link PgPool#acquire()} waits (default 30 s).
         *
         * @param timeout the longest wait, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder acquireTimeout(Duration timeout) {
            this.acquireTimeout = positive(timeout, "acquireTimeout");
            return this;
        }

        /**
         * Connections older than this are closed when idle or returned (default 30 min; null or zero: never).
         *
         * @param maxLifetime the longest life of a connection, or null
         * @return this builder
         */
        public Builder maxLifetime(Duration maxLifetime) {
            this.maxLifetime = maxLifetime;
            return this;
        }

        /**
         * Idle connections above minIdle are closed after this long (default 10 min; null or zero: never).
         *
         * @param idleTimeout the longest idle time, or null
         * @return this builder
         */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = idleTimeout;
            return this;
        }

        /**
         * A connection idle at least this long runs the validation query before it is handed out (default 1 s; null: never).
         *
         * @param validateAfterIdle the idle time after which a connection is checked, or null
         * @return this builder
         */
        public Builder validateAfterIdle(Duration validateAfterIdle) {
            this.validateAfterIdle = validateAfterIdle;
            return this;
        }

        /**
         * The time limit of the pool's own statements: validation, rollback and reset on return (default 5 s).
         *
         * @param timeout the limit, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code timeout} is not positive
         */
        public Builder validationTimeout(Duration timeout) {
            this.validationTimeout = positive(timeout, "validationTimeout");
            return this;
        }

        /**
         * The statement that checks a connection before it is handed out (default {@code SELECT 1}).
         *
         * @param sql the query
         * @return this builder
         */
        public Builder validationQuery(String sql) {
            this.validationQuery = Objects.requireNonNull(sql, "sql");
            return this;
        }

        /**
         * How long {@link PgPool#close()} waits for borrowed connections (default 30 s).
         *
         * @param timeout the longest wait
         * @return this builder
         */
        public Builder closeTimeout(Duration timeout) {
            this.closeTimeout = Objects.requireNonNull(timeout, "closeTimeout");
            return this;
        }

        /**
         * How often idle connections are checked for the timeouts (default: half the shorter timeout, at most 30 s).
         *
         * @param period the period, positive
         * @return this builder
         * @throws IllegalArgumentException if {@code period} is not positive
         */
        public Builder housekeepingPeriod(Duration period) {
            this.housekeepingPeriod = positive(period, "housekeepingPeriod");
            return this;
        }

        /**
         * The autocommit mode of every connection, restored on return (default false, as the driver's).
         *
         * @param autocommit true for autocommit
         * @return this builder
         */
        public Builder autocommit(boolean autocommit) {
            this.autocommit = autocommit;
            return this;
        }

        /**
         * A statement run, outside any transaction, on every returned connection, e.g. {@code DISCARD ALL}.
         *
         * @param sql the statement, or null for none
         * @return this builder
         */
        public Builder resetQuery(String sql) {
            this.resetQuery = sql;
            return this;
        }

        /**
         * The wait callback set on each connection (default {@link Loom#waitCallback()}; null: none, the global one applies).
         *
         * @param cb the callback, or null
         * @return this builder
         */
        public Builder waitCallback(WaitCallback cb) {
            this.waitCallback = cb;
            return this;
        }

        /**
         * Runs on every new connection once it is configured.
         *
         * @param configure what to do with a new connection, or null
         * @return this builder
         */
        public Builder configure(Consumer<Connection> configure) {
            this.configure = configure;
            return this;
        }

        /**
         * Runs on every returned connection after the rollback; if it throws, the connection is closed.
         *
         * @param reset what to do with a returned connection, or null
         * @return this builder
         */
        public Builder reset(Consumer<Connection> reset) {
            this.reset = reset;
            return this;
        }

        /**
         * Whether {@link PgPool#stats()} is published over JMX ({@link PoolStatsMXBean}); default true.
         *
         * @param register whether to register the MBean
         * @return this builder
         */
        public Builder registerMBean(boolean register) {
            this.registerMBean = register;
            return this;
        }

        /**
         * Opens the pool: {@code minIdle} connections are opened in the background, the statistics MBean
         * registered.
         *
         * @return the pool
         */
        public PgPool build() {
            return new PgPool(this);
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }
    }
}
