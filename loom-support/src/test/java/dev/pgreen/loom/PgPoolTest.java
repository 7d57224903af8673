package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.Cursor;
import dev.pgreen.TransactionStatus;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import static dev.pgreen.loom.LoomTesting.LIMIT;
import static dev.pgreen.loom.LoomTesting.awaitActive;
import static dev.pgreen.loom.LoomTesting.connect;
import static dev.pgreen.loom.LoomTesting.eventually;
import static dev.pgreen.loom.LoomTesting.get;
import static dev.pgreen.loom.LoomTesting.terminate;
import static org.junit.jupiter.api.Assertions.*;

/** The pool against the real server, on virtual and platform threads. */
@ExtendWith(PgServerExtension.class)
class PgPoolTest {
    private TestServer server;

    @BeforeAll
    static void installLoom(TestServer server) {
        Loom.install();
        try (Connection c = connect(server)) {
            c.cursor().execute("DROP TABLE IF EXISTS loom_pool_t; CREATE TABLE loom_pool_t (id int)");
        }
    }

    @AfterAll
    static void restore() {
        TestWait.install();
    }

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        Loom.install();
    }

    private PgPool.Builder pool(int size) {
        return PgPool.builder(server.dsn()).maxSize(size).acquireTimeout(Duration.ofSeconds(20));
    }

    @Test
    void handsOutConnectionsAsHandlesAndReusesThem() {
        try (PgPool pool = pool(2).name("basics").build()) {
            int pid;
            try (PooledConnection pc = pool.acquire()) {
                pid = pc.connection().backendPid();
                assertEquals(1, pc.cursor().execute("SELECT 1").fetchOne().get(0));
                assertSame(Loom.waitCallback(), pc.connection().waitCallback(), "the pool sets its wait callback");
                assertEquals(new PoolStats(1, 0, 1, 0, 2, 1, 0), pool.stats());
                pc.close();
                pc.close(); // idempotent
                assertTrue(pc.isReturned());
                InterfaceException e = assertThrows(InterfaceException.class, pc::connection);
                assertTrue(e.getMessage().contains("already returned"), e.getMessage());
            }
            try (PooledConnection pc = pool.acquire()) {
                assertEquals(pid, pc.connection().backendPid(), "an idle connection is reused");
            }
            assertEquals(List.of(42), pool.withConnection(c -> c.cursor().execute("SELECT 42").fetchOne().toList()));
            assertEquals(new PoolStats(1, 1, 0, 0, 2, 1, 0), pool.stats());
            assertTrue(pool.toString().contains("basics"));
            assertFalse(pool.toString().contains("host="), "never the DSN");
        }
    }

    @Test
    void waitersAreServedInArrivalOrder() throws Exception {
        try (PgPool pool = pool(1).build();
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            PooledConnection held = pool.acquire();
            List<Integer> order = new ArrayList<>();
            java.util.concurrent.locks.ReentrantLock orderLock = new java.util.concurrent.locks.ReentrantLock();
            List<Future<?>> tasks = new ArrayList<>();
            int n = 8;
            for (int i = 0; i < n; i++) {
                int id = i;
                tasks.add(vts.submit(() -> {
                    try (PooledConnection pc = pool.acquire()) {
                        orderLock.lock();
                        try {
                            order.add(id);
                        } finally {
                            orderLock.unlock();
                        }
                        pc.cursor().execute("SELECT pg_sleep(0.01)");
                    }
                    return null;
                }));
                // The next one arrives only once this one queues.
                eventually("waiter " + id + " queued", () -> pool.stats().pending() == id + 1);
            }
            // A newcomer may not overtake the queue, even while a connection is in flight between them.
            held.close();
            for (Future<?> t : tasks) {
                get(t);
            }
            assertEquals(List.of(0, 1, 2, 3, 4, 5, 6, 7), order);
        }
    }

    @Test
    void anExhaustedPoolTimesOutWithAClearError() {
        try (PgPool pool = pool(2).name("tiny").build()) {
            PooledConnection a = pool.acquire();
            PooledConnection b = pool.acquire();
            long start = System.nanoTime();
            PoolTimeoutException e = assertThrows(PoolTimeoutException.class,
                    () -> pool.acquire(Duration.ofMillis(200)));
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 190, "waited " + millis + " ms");
            assertInstanceOf(OperationalException.class, e);
            assertTrue(e.getMessage().contains("pool 'tiny'") && e.getMessage().contains("200 ms")
                    && e.getMessage().contains("2 of 2 in use"), e.getMessage());
            assertEquals(0, pool.stats().pending(), "the timed-out caller left the queue");
            b.close();
            try (PooledConnection c = pool.acquire(Duration.ofMillis(200))) {
                assertNotNull(c.connection());
            }
            a.close();
        }
    }

    @Test
    void eachWaiterTimesOutAtItsOwnDeadlineWhateverItsPlaceInLine() throws Exception {
        try (PgPool pool = pool(1).build(); ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            PooledConnection held = pool.acquire();
            Future<Long> patient = vts.submit(() -> millisToTimeOut(pool, Duration.ofMillis(2000)));
            eventually("the first caller waits", () -> pool.stats().pending() == 1);
            // Second in line but due first: its wait must end at its own deadline, not after the first's.
            // Both wait on virtual threads, whose deadlines the pool's keeper times.
            long hasty = get(vts.submit(() -> millisToTimeOut(pool, Duration.ofMillis(200))));
            assertTrue(hasty >= 190 && hasty < 1500, "the 200 ms wait ended after " + hasty + " ms");
            assertFalse(patient.isDone(), "the 2 s wait is still waiting");
            assertTrue(get(patient) >= 1990, "the 2 s wait ended early");
            assertEquals(0, pool.stats().pending());
            held.close();
            try (PooledConnection c = pool.acquire(Duration.ofMillis(200))) {
                assertNotNull(c.connection());
            }
        }
    }

    @Test
    void endlessWaitsBesideShortOnesKeepEveryDeadline() throws Exception {
        try (PgPool pool = pool(1).build(); ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            PooledConnection held = pool.acquire();
            // Timeouts past any nanoTime arithmetic: one overflows Duration.toNanos, one does not.
            Future<Integer> endless = vts.submit(() -> {
                try (PooledConnection pc = pool.acquire(Duration.ofSeconds(Long.MAX_VALUE))) {
                    return pc.connection().backendPid();
                }
            });
            eventually("the first endless caller waits", () -> pool.stats().pending() == 1);
            Future<Integer> nanosEndless = vts.submit(() -> {
                try (PooledConnection pc = pool.acquire(Duration.ofNanos(Long.MAX_VALUE))) {
                    return pc.connection().backendPid();
                }
            });
            eventually("the second endless caller waits", () -> pool.stats().pending() == 2);
            for (int i = 0; i < 3; i++) {
                long millis = i == 0 ? millisToTimeOut(pool, Duration.ofMillis(100)) // a platform thread: timed
                        : get(vts.submit(() -> millisToTimeOut(pool, Duration.ofMillis(100))));
                assertTrue(millis >= 90 && millis < 1500, "a 100 ms wait ended after " + millis + " ms");
            }
            assertFalse(endless.isDone() || nanosEndless.isDone(), "the endless waits go on");
            int pid = held.connection().backendPid();
            held.close();
            assertEquals(pid, get(endless));
            assertEquals(pid, get(nanosEndless));
        }
    }

    @Test
    void manyShortWaitsOnATinyPoolAllEndServedOrTimedOut() throws Exception {
        AtomicInteger served = new AtomicInteger();
        AtomicInteger timedOut = new AtomicInteger();
        try (PgPool pool = pool(2).build(); ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<?>> callers = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                Duration timeout = Duration.ofMillis(1 + (i * 7) % 40); // deadlines in every order
                callers.add(vts.submit(() -> {
                    try (PooledConnection pc = pool.acquire(timeout)) {
                        pc.cursor().execute("SELECT pg_sleep(0.001)");
                        served.incrementAndGet();
                    } catch (PoolTimeoutException e) {
                        timedOut.incrementAndGet();
                    }
                    return null;
                }));
            }
            for (Future<?> f : callers) {
                get(f);
            }
            assertEquals(300, served.get() + timedOut.get());
            assertTrue(served.get() > 0 && timedOut.get() > 0, served + " served, " + timedOut + " timed out");
            PoolStats stats = pool.stats();
            assertEquals(0, stats.pending(), "no caller left waiting");
            assertEquals(0, stats.borrowed(), "every connection came back");
            assertTrue(stats.size() <= 2, "size " + stats.size());
            try (PooledConnection pc = pool.acquire(Duration.ofMillis(500))) {
                assertEquals(1, pc.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        }
    }

    private static long millisToTimeOut(PgPool pool, Duration timeout) {
        long start = System.nanoTime();
        assertThrows(PoolTimeoutException.class, () -> pool.acquire(timeout));
        return (System.nanoTime() - start) / 1_000_000;
    }

    @Test
    void anInterruptedWaiterLeavesTheQueue() throws Exception {
        try (PgPool pool = pool(1).build()) {
            PooledConnection held = pool.acquire();
            CompletableFuture<Throwable> error = new CompletableFuture<>();
            CompletableFuture<Boolean> flag = new CompletableFuture<>();
            Thread vt = Thread.ofVirtual().start(() -> {
                try {
                    pool.acquire().close();
                    error.complete(null);
                } catch (Throwable t) {
                    error.complete(t);
                }
                flag.complete(Thread.currentThread().isInterrupted());
            });
            eventually("queued", () -> pool.stats().pending() == 1);
            vt.interrupt();
            OperationalException e = assertInstanceOf(OperationalException.class, get(error));
            assertTrue(e.getMessage().contains("interrupted"), e.getMessage());
            assertTrue(get(flag), "the interrupt flag is restored");
            assertEquals(0, pool.stats().pending());
            held.close();
            try (PooledConnection pc = pool.acquire(Duration.ofSeconds(1))) {
                assertEquals(1, pc.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        }
    }

    @Test
    void aConnectionReturnedInsideATransactionIsRolledBack() {
        try (PgPool pool = pool(1).build()) {
            int pid;
            try (PooledConnection pc = pool.acquire()) {
                pid = pc.connection().backendPid();
                pc.cursor().execute("INSERT INTO loom_pool_t VALUES (1)");
                assertEquals(TransactionStatus.INTRANS, pc.connection().transactionStatus());
            }
            try (PooledConnection pc = pool.acquire()) {
                assertEquals(pid, pc.connection().backendPid(), "the same connection, cleaned up");
                assertEquals(TransactionStatus.IDLE, pc.connection().transactionStatus());
                assertEquals(0L, pc.cursor().execute("SELECT count(*) FROM loom_pool_t").fetchOne().get(0));
                // A failed transaction is rolled back too.
                assertThrows(DataException.class, () -> pc.cursor().execute("SELECT 1/0"));
                assertEquals(TransactionStatus.INERROR, pc.connection().transactionStatus());
            }
            try (PooledConnection pc = pool.acquire()) {
                assertEquals(pid, pc.connection().backendPid());
                assertEquals(TransactionStatus.IDLE, pc.connection().transactionStatus());
                assertEquals(1, pc.cursor().execute("SELECT 1").fetchOne().get(0));
                pc.rollback();
            }
            assertEquals(0, pool.stats().closed());
        }
    }

    @Test
    void aReturnedConnectionIsResetToThePoolsSettings() {
        AtomicInteger hookRuns = new AtomicInteger();
        try (PgPool pool = pool(1).resetQuery("DISCARD ALL").reset(c -> hookRuns.incrementAndGet()).build()) {
            try (PooledConnection pc = pool.acquire()) {
                Connection c = pc.connection();
                c.setAutocommit(true);
                c.cursor().execute("SET application_name = 'dirty'");
                c.cursor().execute("PREPARE loom_stmt AS SELECT 1");
            }
            try (PooledConnection pc = pool.acquire()) {
                Connection c = pc.connection();
                assertFalse(c.isAutocommit(), "autocommit restored to the pool's setting");
                assertNotEquals("dirty", c.cursor().execute("SHOW application_name").fetchOne().get(0));
                OperationalException e = assertThrows(OperationalException.class,
                        () -> c.cursor().execute("EXECUTE loom_stmt"));
                assertEquals("26000", e.sqlState(), "DISCARD ALL dropped the prepared statement: " + e.getMessage());
            }
            assertEquals(2, hookRuns.get());
        }
    }

    @Test
    void aFailingResetHookRetiresTheConnection() {
        try (PgPool pool = pool(1).reset(c -> {
            throw new IllegalStateException("boom");
        }).build()) {
            int pid;
            try (PooledConnection pc = pool.acquire()) {
                pid = pc.connection().backendPid();
            }
            assertEquals(1, pool.stats().closed());
            try (PooledConnection pc = pool.acquire()) {
                assertNotEquals(pid, pc.connection().backendPid());
            }
        }
    }

    @Test
    void discardClosesInsteadOfReusing() {
        try (PgPool pool = pool(1).build()) {
            PooledConnection pc = pool.acquire();
            Connection conn = pc.connection();
            pc.discard();
            assertTrue(conn.isClosed());
            assertEquals(new PoolStats(0, 0, 0, 0, 1, 1, 1), pool.stats());
        }
    }

    @Test
    void aBackendKilledWhileIdleIsReplacedWithoutTheCallerNoticing() {
        try (PgPool pool = pool(2).build(); Connection observer = connect(server)) {
            int pid;
            try (PooledConnection pc = pool.acquire()) {
                pid = pc.connection().backendPid();
            }
            terminate(observer, pid);
            try (PooledConnection pc = pool.acquire()) {
                assertNotEquals(pid, pc.connection().backendPid(), "the dead connection was replaced");
                assertEquals(1, pc.cursor().execute("SELECT 1").fetchOne().get(0));
            }
            PoolStats s = pool.stats();
            assertEquals(1, s.size());
            assertEquals(2, s.opened());
            assertEquals(1, s.closed());
        }
    }

    @Test
    void aBackendKilledMidQueryFailsItsCallerClearlyAndThePoolRecovers() throws Exception {
        try (PgPool pool = pool(4).build();
             Connection observer = connect(server);
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            CompletableFuture<Integer> victimPid = new CompletableFuture<>();
            Future<Object> victim = vts.submit(() -> {
                try (PooledConnection pc = pool.acquire()) {
                    victimPid.complete(pc.connection().backendPid());
                    return pc.cursor().execute("SELECT pg_sleep(30)").fetchOne();
                }
            });
            // Others keep working through the pool meanwhile.
            List<Future<Object>> others = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int v = i;
                others.add(vts.submit(() -> pool.withConnection(
                        c -> c.cursor().execute("SELECT %s::int, pg_sleep(0.005)", v).fetchOne().get(0))));
            }
            int pid = get(victimPid);
            awaitActive(observer, pid);
            long start = System.nanoTime();
            terminate(observer, pid);
            ExecutionException e = assertThrows(ExecutionException.class, () -> get(victim));
            long millis = (System.nanoTime() - start) / 1_000_000;
            OperationalException oe = assertInstanceOf(OperationalException.class, e.getCause());
            assertTrue(oe.getMessage().contains("terminat"), "a clear error: " + oe.getMessage());
            assertTrue(millis < 10_000, "the caller learnt it at once, not after its statement: " + millis + " ms");
            for (int i = 0; i < others.size(); i++) {
                assertEquals(i, get(others.get(i)));
            }
            eventually("the dead connection left the pool", () -> pool.stats().borrowed() == 0);
            PoolStats s = pool.stats();
            assertEquals(1, s.closed(), s.toString());
            // Every connection now in the pool works.
            List<PooledConnection> all = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                all.add(pool.acquire());
            }
            Set<Integer> pids = new HashSet<>();
            for (PooledConnection pc : all) {
                assertEquals(1, pc.cursor().execute("SELECT 1").fetchOne().get(0));
                pids.add(pc.connection().backendPid());
                pc.close();
            }
            assertFalse(pids.contains(pid));
        }
    }

    @Test
    void connectionsPastTheirLifetimeAreRetired() {
        try (PgPool pool = pool(1).maxLifetime(Duration.ofMillis(300)).build()) {
            int first;
            try (PooledConnection pc = pool.acquire()) {
                first = pc.connection().backendPid();
            }
            LoomTesting.sleep(400);
            try (PooledConnection pc = pool.acquire()) {
                assertNotEquals(first, pc.connection().backendPid());
                // Retired on return too, once past the lifetime.
                LoomTesting.sleep(400);
            }
            eventually("retired", () -> pool.stats().size() == 0);
        }
    }

    @Test
    void idleConnectionsAboveMinIdleAreClosedAfterTheIdleTimeout() throws Exception {
        try (PgPool pool = pool(4).minIdle(1).idleTimeout(Duration.ofMillis(200)).build();
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<PooledConnection> four = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                four.add(pool.acquire());
            }
            four.forEach(PooledConnection::close);
            assertEquals(4, pool.stats().idle());
            eventually("idle connections closed down to minIdle", () -> pool.stats().size() == 1);
            assertEquals(1, pool.stats().idle());
            try (PooledConnection pc = pool.acquire()) {
                assertEquals(1, pc.cursor().execute("SELECT 1").fetchOne().get(0));
            }
        }
    }

    @Test
    void minIdleConnectionsAreOpenedAhead() {
        try (PgPool pool = pool(4).minIdle(2).housekeepingPeriod(Duration.ofMillis(20)).build()) {
            eventually("two idle connections", () -> pool.stats().idle() == 2);
            assertEquals(2, pool.stats().size());
        }
    }

    @Test
    void validationQueryRunsAfterIdlingAndAFailedOneReplacesTheConnection() {
        AtomicInteger validations = new AtomicInteger();
        try (PgPool pool = pool(1).validateAfterIdle(Duration.ofMillis(50))
                .validationQuery("SELECT 1/0").build()) {
            int pid;
            try (PooledConnection pc = pool.acquire()) {
                pid = pc.connection().backendPid();
            }
            LoomTesting.sleep(100);
            try (PooledConnection pc = pool.acquire()) {
                // The validation query fails: the connection is taken for broken and replaced.
                assertNotEquals(pid, pc.connection().backendPid());
                validations.incrementAndGet();
            }
        }
        assertEquals(1, validations.get());
    }

    @Test
    void aConnectionHandedStraightToAWaiterIsNotTakenForIdle() throws Exception {
        // The validation query fails, so a validation would show as a replaced connection.
        try (PgPool pool = pool(1).validateAfterIdle(Duration.ofMillis(50)).validationQuery("SELECT 1/0").build()) {
            PooledConnection held = pool.acquire();
            int pid = held.connection().backendPid();
            CompletableFuture<Integer> waiter = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try (PooledConnection pc = pool.acquire()) {
                    waiter.complete(pc.connection().backendPid());
                } catch (Throwable t) {
                    waiter.completeExceptionally(t);
                }
            });
            eventually("a caller waits", () -> pool.stats().pending() == 1);
            LoomTesting.sleep(150); // in use all along: longer than validateAfterIdle, but never idle
            held.close();
            assertEquals(pid, get(waiter), "the busy connection went to the waiter without a validation");
            assertEquals(1, pool.stats().opened());
        }
    }

    @Test
    void closeWaitsForBorrowedConnections() throws Exception {
        PgPool pool = pool(2).build();
        PooledConnection idle = pool.acquire();
        PooledConnection out = pool.acquire();
        idle.close();
        Connection outConn = out.connection();
        CompletableFuture<Boolean> closed = CompletableFuture.supplyAsync(() -> pool.close(LIMIT));
        eventually("pool marked closed", pool::isClosed);
        InterfaceException e = assertThrows(InterfaceException.class, pool::acquire);
        assertTrue(e.getMessage().contains("is closed"), e.getMessage());
        LoomTesting.sleep(100);
        assertFalse(closed.isDone(), "close waits for the borrowed connection");
        assertEquals(1, outConn.cursor().execute("SELECT 1").fetchOne().get(0), "still usable until returned");
        out.close();
        assertTrue(get(closed));
        assertTrue(outConn.isClosed(), "closed when returned");
        assertEquals(0, pool.stats().size());
    }

    @Test
    void closeTimesOutCancelsWhatStillRunsAndFailsWaiters() throws Exception {
        PgPool pool = pool(1).build();
        try (Connection observer = connect(server)) {
            CompletableFuture<Throwable> longRunning = new CompletableFuture<>();
            CompletableFuture<Integer> pidOf = new CompletableFuture<>();
            CompletableFuture<PooledConnection> handle = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                PooledConnection pc = pool.acquire();
                handle.complete(pc);
                pidOf.complete(pc.connection().backendPid());
                try {
                    pc.cursor().execute("SELECT pg_sleep(30)");
                    longRunning.complete(null);
                } catch (Throwable t) {
                    longRunning.complete(t);
                }
            });
            awaitActive(observer, get(pidOf));
            CompletableFuture<Throwable> waiter = new CompletableFuture<>();
            Thread.ofVirtual().start(() -> {
                try {
                    pool.acquire().close();
                    waiter.complete(null);
                } catch (Throwable t) {
                    waiter.complete(t);
                }
            });
            eventually("queued", () -> pool.stats().pending() == 1);
            long start = System.nanoTime();
            assertFalse(pool.close(Duration.ofMillis(300)), "a connection is still borrowed");
            long millis = (System.nanoTime() - start) / 1_000_000;
            assertTrue(millis >= 290 && millis < 10_000, "close waited " + millis + " ms");
            InterfaceException w = assertInstanceOf(InterfaceException.class, get(waiter));
            assertTrue(w.getMessage().contains("is closed"), w.getMessage());
            // The statement still running was cancelled, so its holder hands the connection back soon.
            assertInstanceOf(dev.pgreen.errors.QueryCanceledException.class, get(longRunning));
            PooledConnection pc = get(handle);
            Connection conn = pc.connection();
            pc.close();
            assertTrue(conn.isClosed());
            assertEquals(0, pool.stats().size());
        }
    }

    @Test
    void worksOnPlatformThreadsToo() throws Exception {
        ConcurrentLinkedQueue<Integer> results = new ConcurrentLinkedQueue<>();
        try (PgPool pool = pool(4).build(); ExecutorService threads = Executors.newFixedThreadPool(8)) {
            List<Future<?>> fs = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                int v = i;
                fs.add(threads.submit(() -> results.add(pool.inTransaction(c -> {
                    Cursor cur = c.cursor();
                    return (Integer) cur.execute("SELECT %s::int * 2", v).fetchOne().get(0);
                }))));
            }
            for (Future<?> f : fs) {
                get(f);
            }
            assertEquals(200, results.size());
            assertEquals(199 * 200, results.stream().mapToInt(Integer::intValue).sum());
            assertTrue(pool.stats().size() <= 4);
        }
    }

    @Test
    void aFailedConnectIsReportedAndFreesItsPlace() {
        try (PgPool pool = PgPool.builder(server.dsn() + " dbname=loom_no_such_db").maxSize(1)
                .acquireTimeout(Duration.ofSeconds(5)).build()) {
            for (int i = 0; i < 3; i++) {
                OperationalException e = assertThrows(OperationalException.class, pool::acquire);
                assertEquals("3D000", e.sqlState(), e.getMessage());
            }
            assertEquals(0, pool.stats().size());
        }
    }

    @Test
    void statsArePublishedOverJmxWhileThePoolIsOpen() throws Exception {
        javax.management.MBeanServer jmx = java.lang.management.ManagementFactory.getPlatformMBeanServer();
        javax.management.ObjectName on = new javax.management.ObjectName("dev.pgreen:type=PgPool,name=\"jmx-pool\"");
        try (PgPool pool = pool(3).name("jmx-pool").build()) {
            try (PooledConnection c = pool.acquire()) {
                assertEquals(1, ((Number) jmx.getAttribute(on, "Borrowed")).intValue());
                assertEquals(3, ((Number) jmx.getAttribute(on, "MaxSize")).intValue());
                assertEquals(1L, ((Number) jmx.getAttribute(on, "Opened")).longValue());
            }
            assertEquals(1, ((Number) jmx.getAttribute(on, "Idle")).intValue());
        }
        assertFalse(jmx.isRegistered(on), "unregistered when the pool closes");
        try (PgPool quiet = pool(1).name("jmx-off").registerMBean(false).build()) {
            assertFalse(jmx.isRegistered(new javax.management.ObjectName("dev.pgreen:type=PgPool,name=\"jmx-off\"")));
        }
    }
}
