package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.ConnectionFactory;
import dev.pgreen.Cursor;
import dev.pgreen.ConnectInfo;
import dev.pgreen.Pgreen;
import dev.pgreen.StatementResult;
import dev.pgreen.SharedConnection;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;

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
 *       An interrupted waiter leaves the queue with an {@link OperationalException}, flag restored.
 *       Waiting virtual threads park untimed; one virtual thread per pool ({@code <name>-deadlines})
 *       wakes each at its deadline, since a timed park of a virtual thread costs a scheduler timer per
 *       wait. Platform threads wait timed.</li>
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
 *   <li><b>One-shot statements</b>: {@link #execute} and {@link #executePrepared} run one statement in a
 *       transaction of its own and return its whole {@link StatementResult}, the caller never holding a
 *       connection. With {@link Builder#pipeliningLimit} above 1 they are multiplexed: many callers'
 *       statements in flight on each connection ({@link SharedConnection}), each with a Sync of its own.</li>
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
    private final int pipeliningLimit;
    private final Duration statementTimeout;
    private final ThreadFactory ioThreads;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition drained = lock.newCondition();
    /** Idle connections, most recently returned first: reuse takes the head, eviction the tail. */
    private final ArrayDeque<Slot> idle = new ArrayDeque<>();
    /** Callers waiting for a connection, in arrival order. */
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private final Set<Slot> borrowed = Collections.newSetFromMap(new IdentityHashMap<>());
    /** {@code waiters.size()}, readable without the lock. */
    private volatile int acquirePending;
    /**
     * Connections serving one-shot statements ({@link #execute}, {@link #executePrepared}), those
     * draining to be closed or handed over included. Guarded by lock.
     */
    private final Set<Slot> shared = Collections.newSetFromMap(new IdentityHashMap<>());
    /** Those of {@link #shared} that take more statements: read without the lock, replaced under it. */
    private volatile Slot[] sharing = new Slot[0];
    /** Callers of the one-shot methods waiting for room to send their statement, in arrival order. */
    private final ArrayDeque<Waiter> sharedWaiters = new ArrayDeque<>();
    /** {@code sharedWaiters.size()}, readable without the lock. */
    private volatile int sharedPending;
    /** Connections open or being opened: idle + borrowed + connecting. Guarded by lock. */
    private int size;
    private long opened;
    private long closedCount;
    private volatile boolean closed;
    private final Thread housekeeper;
    /** Times the waits of virtual threads in {@link #waiters} and {@link #sharedWaiters}, which park untimed. */
    private final Deadlines deadlines;

    /** One pooled connection and its times (System.nanoTime). */
    static final class Slot {
        final Connection conn;
        final long createdAt;
        long idleSince;
        /** Made the first time the connection serves one-shot statements, and kept (its prepared statements). */
        SharedConnection sharedConn;
        /**
         * One-shot statements holding a unit of this connection's pipelining limit (reserved, or sent and
         * not answered); -1 while the connection is not serving them, which no reservation can pass.
         */
        final AtomicInteger load = new AtomicInteger(-1);
        /** Takes no more statements: once the last is answered, closed (or handed over); written under lock. */
        volatile Retire retire;
        /** When {@link #load} last fell to 0 (System.nanoTime). */
        volatile long quietSince;

        Slot(Connection conn, long createdAt) {
            this.conn = conn;
            this.createdAt = createdAt;
            this.idleSince = createdAt;
        }
    }

    /** What becomes of a connection that stops serving one-shot statements, once they are all answered. */
    private enum Retire { CLOSE, HAND_OVER }

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
        /** For a one-shot caller: {@code slot} serves one-shot statements and holds a unit reserved for it. */
        boolean unit;

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
        this.pipeliningLimit = b.pipeliningLimit;
        this.statementTimeout = b.statementTimeout;
        this.ioThreads = Thread.ofVirtual().name(name + "-io-", 0).factory();
        long period = b.housekeepingPeriod != null ? b.housekeepingPeriod.toNanos() : defaultHousekeepingPeriod();
        this.housekeeper = Thread.ofVirtual().name(name + "-housekeeper").unstarted(() -> housekeep(period));
        this.mbeanName = b.registerMBean ? registerMBean() : null;
        this.deadlines = new Deadlines(lock, name + "-deadlines");
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
                public int getShared() { return stats().shared(); }
                public int getInFlight() { return stats().inFlight(); }
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

    // ---- one-shot statements ----

    /**
     * Runs one statement with {@code %s} placeholders as a server-side prepared
     * statement ({@link Cursor#executePrepared(String, Object...)}) on a connection
     * of the pool, in a transaction of its own as in autocommit, and returns its
     * whole result; the caller never holds a connection. With a
     * {@linkplain Builder#pipeliningLimit pipelining limit} above 1, statements of
     * many callers share a connection, several in flight at once.
     *
     * <p>A failing statement raises the server's error for its caller only. An
     * interrupt before the statement is sent (while it waits for room) raises
     * {@link OperationalException} and nothing runs; after, the statement runs to
     * its end on the server, its result is dropped, and {@link OperationalException}
     * says so (no cancel request is sent: it could stop another caller's statement).
     * Bound statements with {@link Builder#statementTimeout}.
     *
     * @param sql  the statement, with {@code %s} placeholders
     * @param args the values of the placeholders, sent as parameters
     * @return the statement's rows, columns and counts, in memory
     * @throws PoolTimeoutException when there was no room to send it within the acquire timeout
     * @throws InterfaceException   when the pool is (or gets) closed before it is sent
     * @throws OperationalException when the connection is lost while it is in flight (the pool replaces it)
     */
    public StatementResult executePrepared(String sql, Object... args) {
        return oneShot(sc -> sc.submitPrepared(sql, args));
    }

    /**
     * {@link #executePrepared(String, Object...)} with {@code %(name)s} placeholders.
     *
     * @param sql  the statement, with {@code %(name)s} placeholders
     * @param args the values by name, sent as parameters
     * @return the statement's rows, columns and counts, in memory
     */
    public StatementResult executePrepared(String sql, Map<String, ?> args) {
        return oneShot(sc -> sc.submitPrepared(sql, args));
    }

    /**
     * {@link #executePrepared(String, Object...)} with the arguments merged into
     * the SQL client-side ({@link Cursor#execute(String, Object...)}: a simple
     * query, which may hold several statements, the last one's result returned).
     *
     * @param sql  the statement, with {@code %s} placeholders
     * @param args the values, adapted to SQL literals
     * @return the (last) statement's rows, columns and counts, in memory
     */
    public StatementResult execute(String sql, Object... args) {
        return oneShot(sc -> sc.submit(sql, args));
    }

    /**
     * {@link #execute(String, Object...)} with {@code %(name)s} placeholders.
     *
     * @param sql  the statement, with {@code %(name)s} placeholders
     * @param args the values by name, adapted to SQL literals
     * @return the (last) statement's rows, columns and counts, in memory
     */
    public StatementResult execute(String sql, Map<String, ?> args) {
        return oneShot(sc -> sc.submit(sql, args));
    }

    private StatementResult oneShot(Function<SharedConnection, SharedConnection.Reply> send) {
        if (Thread.currentThread().isInterrupted()) {
            throw new OperationalException("interrupted before the statement was sent to pool '" + name
                    + "': it did not run");
        }
        long start = System.nanoTime();
        for (int attempt = 0; ; attempt++) {
            Slot s = reserve(start);
            SharedConnection.Reply reply;
            try {
                reply = send.apply(s.sharedConn);
            } catch (RuntimeException e) {
                // Nothing was sent: the unit goes back; a connection found dead is replaced and the call goes on.
                boolean broken = s.sharedConn.isBroken();
                answered(s);
                if (broken && attempt < maxSize) {
                    continue;
                }
                throw e;
            }
            return reply.await();
        }
    }

    /** A connection with a unit of room reserved on it for one statement, opening one when the pool may grow. */
    private Slot reserve(long start) {
        Slot s = reserveQuickly();
        if (s != null) {
            return s;
        }
        Waiter grant = reserveOrWait(start);
        if (grant.unit) {
            return grant.slot;
        }
        // An idle connection (validated like any checkout) or room to open one: it starts serving one-shot statements.
        Slot fresh = grant.slot == null ? openBorrowed() : checkOut(grant.slot);
        if (fresh.sharedConn == null) {
            try {
                fresh.sharedConn = new SharedConnection(fresh.conn, ioThreads, () -> answered(fresh));
            } catch (RuntimeException | Error e) {
                release(fresh, true);
                throw e;
            }
        }
        lock.lock();
        try {
            borrowed.remove(fresh);
            if (!closed) {
                fresh.retire = null;
                fresh.load.set(1);
                shared.add(fresh);
                sharing = with(sharing, fresh);
                serveSharedWaitersLocked();
                return fresh;
            }
            size--;
            closedCount++;
            roomFreedLocked();
        } finally {
            lock.unlock();
        }
        closeQuietly(fresh.conn);
        throw closedException();
    }

    /**
     * Without the lock: a unit on the least loaded connection that serves
     * one-shot statements, unless callers queue for room (they come first) or
     * every connection is busy while the pool could grow (the lock decides).
     */
    private Slot reserveQuickly() {
        for (int attempt = 0; attempt < 4 && sharedPending == 0; attempt++) {
            Slot[] candidates = sharing;
            Slot best = leastLoaded(candidates);
            if (best == null) {
                return null;
            }
            int n = best.load.get();
            if (n < 0 || n >= pipeliningLimit || (n > 0 && candidates.length < maxSize)) {
                return null;
            }
            if (best.load.compareAndSet(n, n + 1)) {
                return best;
            }
        }
        return null;
    }

    /** The connection with the fewest statements in flight; ties go to a random one, so callers spread. */
    private static Slot leastLoaded(Slot[] candidates) {
        Slot best = null;
        int bestLoad = Integer.MAX_VALUE;
        int from = candidates.length < 2 ? 0 : ThreadLocalRandom.current().nextInt(candidates.length);
        for (int i = 0; i < candidates.length; i++) {
            Slot s = candidates[(from + i) % candidates.length];
            int n = s.load.get();
            if (n >= 0 && n < bestLoad) {
                best = s;
                bestLoad = n;
                if (n == 0) {
                    break;
                }
            }
        }
        return best;
    }

    /** Under the lock: room on a connection, else an idle one or room to open one, else a wait in line. */
    private Waiter reserveOrWait(long start) {
        long deadline = start + saturatedNanos(acquireTimeout);
        lock.lock();
        try {
            ensureOpen();
            Waiter w = new Waiter(lock.newCondition());
            if (sharedWaiters.isEmpty() && grantLocked(w)) {
                return w;
            }
            sharedWaiters.addLast(w);
            pendingChangedLocked();
            // Room freed since the check above was seen by nobody: answered() reads sharedPending without the lock.
            serveSharedWaitersLocked();
            awaitServedLocked(w, sharedWaiters, deadline,
                    () -> "pool '" + name + "': no room to send a statement within " + acquireTimeout.toMillis()
                            + " ms (" + shared.size() + " connections with " + inFlightLocked()
                            + " statements in flight, at most " + pipeliningLimit + " each; " + borrowed.size()
                            + " borrowed; " + sharedWaiters.size() + " other callers waiting)",
                    "interrupted while waiting for room to send a statement to pool '" + name + "': it did not run");
            return w;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Fills in what {@code w} may use, if anything: a unit on an idle serving
     * connection, else (when no {@link #acquire()} caller waits) an idle connection
     * or room to open one, else a unit on the least loaded below the limit.
     */
    private boolean grantLocked(Waiter w) {
        for (;;) {
            Slot best = leastLoaded(sharing);
            int n = best == null ? Integer.MAX_VALUE : best.load.get();
            if (n > 0 && waiters.isEmpty()) {
                Slot s = idle.pollFirst();
                if (s != null) {
                    borrowed.add(s);
                    w.slot = s;
                    return true;
                }
                if (size < maxSize) {
                    size++;
                    w.mayOpen = true;
                    return true;
                }
            }
            if (n < 0 || n >= pipeliningLimit) {
                return false;
            }
            if (best.load.compareAndSet(n, n + 1)) {
                w.slot = best;
                w.unit = true;
                return true;
            }
        }
    }

    /** Hands out what is free to the one-shot callers in line, first come first served. */
    private void serveSharedWaitersLocked() {
        while (!sharedWaiters.isEmpty() && !closed) {
            Waiter w = sharedWaiters.peekFirst();
            if (!grantLocked(w)) {
                break;
            }
            sharedWaiters.pollFirst();
            w.done = true;
            w.ready.signal();
        }
        pendingChangedLocked();
    }

    /**
     * A one-shot statement on {@code s} is complete (or was never sent): its unit
     * is free. Runs on the connection's I/O thread under its I/O lock, so it takes
     * the pool's lock only when someone waits or the connection is to go.
     */
    private void answered(Slot s) {
        int n = s.load.decrementAndGet();
        if (n == 0) {
            s.quietSince = System.nanoTime();
        }
        if (sharedPending > 0 || (n == 0 && acquirePending > 0) || s.retire != null || s.sharedConn.isBroken()) {
            lock.lock();
            try {
                answeredLocked(s, n);
            } finally {
                lock.unlock();
            }
        }
    }

    private void answeredLocked(Slot s, int n) {
        if (s.retire == null && s.sharedConn.isBroken()) {
            retireLocked(s, Retire.CLOSE);
        } else if (n == 0 && s.retire == null && !waiters.isEmpty()) {
            retireLocked(s, Retire.HAND_OVER);
        } else if (s.retire != null) {
            finishRetireLocked(s);
        }
        serveSharedWaitersLocked();
    }

    /** {@code s} takes no more one-shot statements; once those in flight are answered it is closed or handed over. */
    private void retireLocked(Slot s, Retire how) {
        if (s.retire == null) {
            s.retire = how;
            sharing = without(sharing, s);
        }
        finishRetireLocked(s);
    }

    /** Closes or hands over a retiring connection once nothing is in flight (a reservation may still arrive late). */
    private void finishRetireLocked(Slot s) {
        if (!s.load.compareAndSet(0, -1)) {
            return;
        }
        shared.remove(s);
        Retire how = s.retire;
        s.retire = null;
        if (how == Retire.HAND_OVER && !closed && !s.sharedConn.isBroken()) {
            s.idleSince = System.nanoTime(); // in use until its last one-shot statement was answered
            offerLocked(s);
            return;
        }
        size--;
        closedCount++;
        roomFreedLocked();
        // Not under the pool's lock, which the I/O thread takes under the connection's I/O lock (answered()).
        // An I/O thread that still runs closes it as it ends: politely, with a Terminate.
        Thread.ofVirtual().name(name + "-closer").start(s.sharedConn::close);
        LOG.log(System.Logger.Level.DEBUG, () -> "pool '" + name + "' closed a connection that served one-shot"
                + " statements (" + (s.conn.isClosed() ? "broken" : "retired") + ")");
    }

    /** A serving connection with nothing in flight, taken for an {@link #acquire()} caller; null when none. */
    private Slot takeQuietSharedLocked() {
        for (Slot s : sharing) {
            if (s.load.compareAndSet(0, -1)) {
                sharing = without(sharing, s);
                shared.remove(s);
                s.idleSince = s.quietSince; // idle since its last one-shot statement was answered
                return s;
            }
        }
        return null;
    }

    /** The least loaded serving connection drains for the {@link #acquire()} callers, unless one already does. */
    private void handOverSharedLocked() {
        for (Slot s : shared) {
            if (s.retire == Retire.HAND_OVER) {
                return;
            }
        }
        Slot s = leastLoaded(sharing);
        if (s != null) {
            retireLocked(s, Retire.HAND_OVER);
        }
    }

    private int inFlightLocked() {
        int n = 0;
        for (Slot s : shared) {
            n += Math.max(0, s.load.get());
        }
        return n;
    }

    private static Slot[] with(Slot[] slots, Slot s) {
        Slot[] more = java.util.Arrays.copyOf(slots, slots.length + 1);
        more[slots.length] = s;
        return more;
    }

    private static Slot[] without(Slot[] slots, Slot s) {
        return java.util.Arrays.stream(slots).filter(t -> t != s).toArray(Slot[]::new);
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
                Slot quiet = takeQuietSharedLocked();
                if (quiet != null) {
                    borrowed.add(quiet);
                    return quiet;
                }
            }
            Waiter w = new Waiter(lock.newCondition());
            waiters.addLast(w);
            pendingChangedLocked();
            // One-shot statements could keep every connection busy for ever: one drains for the waiters.
            handOverSharedLocked();
            awaitServedLocked(w, waiters, deadline,
                    () -> "pool '" + name + "': no connection available within " + timeout.toMillis() + " ms ("
                            + borrowed.size() + " of " + maxSize + " in use, " + waiters.size()
                            + " other callers waiting)",
                    "interrupted while waiting for a connection from pool '" + name + "'");
            return w.slot;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Waits, the lock held, until {@code w} is served from {@code queue}. Past the
     * deadline, or on interrupt (flag restored), it leaves the queue and fails; what
     * it had been given meanwhile goes to the next in line.
     */
    private void awaitServedLocked(Waiter w, ArrayDeque<Waiter> queue, long deadline, Supplier<String> timedOut,
            String interrupted) {
        Deadlines.Due due = null;
        try {
            while (!w.done) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    queue.remove(w);
                    pendingChangedLocked();
                    throw new PoolTimeoutException(timedOut.get());
                }
                if (!Thread.currentThread().isVirtual()) {
                    // A platform thread's timed wait is a plain futex timeout, and needs no carrier to end.
                    w.ready.awaitNanos(left);
                } else {
                    if (due == null) {
                        due = deadlines.addLocked(deadline, w.ready);
                    }
                    w.ready.await();
                }
            }
        } catch (InterruptedException e) {
            if (w.done) {
                giveBackLocked(w);
            } else {
                queue.remove(w);
                pendingChangedLocked();
            }
            Thread.currentThread().interrupt();
            throw new OperationalException(interrupted, e);
        } finally {
            if (due != null) {
                deadlines.removeLocked(due);
            }
        }
        if (w.poolClosed) {
            throw closedException();
        }
    }

    /** The queues' lengths for the paths that read them without the lock. */
    private void pendingChangedLocked() {
        acquirePending = waiters.size();
        sharedPending = sharedWaiters.size();
    }

    /** What an interrupted waiter had been given goes to the next in line. */
    private void giveBackLocked(Waiter w) {
        if (w.unit) {
            int n = w.slot.load.decrementAndGet();
            if (n == 0) {
                w.slot.quietSince = System.nanoTime();
            }
            answeredLocked(w.slot, n);
        } else if (w.slot != null) {
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
            conn = Pgreen.connect(dsn, info -> factory.create(startup(info)));
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

    /** The pool's additions to a connection's start-up: its wait callback and statement timeout. */
    private ConnectInfo startup(ConnectInfo info) {
        if (statementTimeout != null) {
            String options = info.params().get("options");
            info = info.with("options", (options == null ? "" : options + " ")
                    + "-c statement_timeout=" + statementTimeout.toMillis());
        }
        return waitCallback == null ? info : info.withWaitCallback(waitCallback);
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
                // Its idle time starts now, whichever way it goes: one handed straight to a waiter was never idle.
                s.idleSince = System.nanoTime();
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
            pendingChangedLocked();
            w.slot = s;
            w.done = true;
            borrowed.add(s);
            w.ready.signal();
        } else {
            idle.addFirst(s);
            serveSharedWaitersLocked();
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
                pendingChangedLocked();
                size++;
                w.mayOpen = true;
                w.done = true;
                w.ready.signal();
            } else {
                serveSharedWaitersLocked();
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
            for (Slot s : sharing) {
                boolean expired = maxLifetimeNanos > 0 && now - s.createdAt >= maxLifetimeNanos;
                boolean quiet = idleTimeoutNanos > 0 && s.load.get() == 0 && now - s.quietSince >= idleTimeoutNanos
                        && size > minIdle;
                if (expired || quiet || s.sharedConn.isBroken()) {
                    retireLocked(s, Retire.CLOSE);
                }
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
            return new PoolStats(size, idle.size(), borrowed.size(), waiters.size() + sharedWaiters.size(), maxSize,
                    opened, closedCount, shared.size(), inFlightLocked());
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
     * Closes the pool: new calls to {@link #acquire()} and the one-shot methods fail,
     * waiting callers fail, idle connections are closed, borrowed connections are
     * closed as they come back, and those serving one-shot statements once their
     * statements in flight are answered. Waits at most {@code timeout} for that; if
     * some are still out then, it sends a cancel request for whatever borrowed ones
     * run (so a long statement does not hold the shutdown; they are closed when
     * returned), closes the connections with one-shot statements still in flight
     * (which fails those with an {@link OperationalException}), and returns false.
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
                for (Waiter w : sharedWaiters) {
                    w.poolClosed = true;
                    w.done = true;
                    w.ready.signal();
                }
                sharedWaiters.clear();
                pendingChangedLocked();
                // Each is closed once its statements in flight are answered (at once when there are none).
                for (Slot s : List.copyOf(shared)) {
                    retireLocked(s, Retire.CLOSE);
                }
                toClose.addAll(idle);
                size -= idle.size();
                closedCount += idle.size();
                idle.clear();
            }
        } finally {
            lock.unlock();
        }
        housekeeper.interrupt();
        deadlines.close();
        unregisterMBean();
        toClose.forEach(s -> closeQuietly(s.conn));
        long deadline = System.nanoTime() + saturatedNanos(timeout);
        List<Slot> outstanding;
        List<Slot> stillShared;
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
            stillShared = new ArrayList<>(shared);
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
        // One-shot statements still in flight: a cancel could not be aimed at them, so their connections close,
        // which fails them with an OperationalException.
        stillShared.forEach(s -> s.sharedConn.close());
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

    /** At most a century, so that deadlines (now + this) stay comparable by difference. */
    private static long saturatedNanos(Duration d) {
        try {
            return Math.min(d.toNanos(), Long.MAX_VALUE / 4);
        } catch (ArithmeticException e) {
            return Long.MAX_VALUE / 4;
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
        private int pipeliningLimit = 1;
        private Duration statementTimeout;

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
         * How many one-shot statements ({@link PgPool#execute}, {@link PgPool#executePrepared}) one connection
         * may have in flight at once (default 1: one at a time). Above 1 the pool multiplexes: the statements
         * of many callers share a connection's pipeline, each with a Sync of its own (vertx-pg-client's
         * {@code pipeliningLimit}, 256 there). The pool still opens a connection before it pipelines on a
         * busy one, up to {@code maxSize}.
         *
         * @param limit statements in flight per connection, at least 1
         * @return this builder
         */
        public Builder pipeliningLimit(int limit) {
            if (limit < 1) throw new IllegalArgumentException("pipeliningLimit must be at least 1: " + limit);
            this.pipeliningLimit = limit;
            return this;
        }

        /**
         * The server's {@code statement_timeout} on every connection of the pool (set at start-up, so
         * {@code RESET ALL} and {@code DISCARD ALL} keep it; null or zero: the server's setting): a statement
         * running longer fails with {@code QueryCanceledException} (SQLSTATE 57014). The server applies it to
         * each statement, so with one-shot statements it fails only the one that ran too long.
         *
         * @param timeout the longest a statement may run; null or zero for the server's setting
         * @return this builder
         */
        public Builder statementTimeout(Duration timeout) {
            if (timeout != null && timeout.isNegative()) {
                throw new IllegalArgumentException("statementTimeout must not be negative: " + timeout);
            }
            this.statementTimeout = timeout == null || timeout.isZero() ? null : timeout;
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
