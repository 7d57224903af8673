package dev.pgreen.loom;

import dev.pgreen.Connection;
import dev.pgreen.StatementResult;
import dev.pgreen.errors.DataException;
import dev.pgreen.errors.InterfaceException;
import dev.pgreen.errors.OperationalException;
import dev.pgreen.errors.ProgrammingException;
import dev.pgreen.errors.QueryCanceledException;
import dev.pgreen.testing.PgServerExtension;
import dev.pgreen.testing.TestServer;
import dev.pgreen.testing.TestWait;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import static dev.pgreen.loom.LoomTesting.LIMIT;
import static dev.pgreen.loom.LoomTesting.connect;
import static dev.pgreen.loom.LoomTesting.eventually;
import static dev.pgreen.loom.LoomTesting.get;
import static dev.pgreen.loom.LoomTesting.terminate;
import static org.junit.jupiter.api.Assertions.*;

/**
 * The pool's one-shot statements ({@code execute}, {@code executePrepared}), multiplexed: many
 * callers' statements in flight together on a connection, each in a transaction of its own.
 * The server holds statements where a test needs them in flight with an advisory lock the
 * observer keeps, so no test depends on timing.
 */
@ExtendWith(PgServerExtension.class)
class PgPoolOneShotTest {
    private TestServer server;
    private Connection observer;

    @BeforeEach
    void setUp(TestServer server) {
        this.server = server;
        Loom.install();
        observer = connect(server);
    }

    @AfterEach
    void closeObserver() {
        observer.close();
    }

    @AfterAll
    static void restore() {
        TestWait.install();
    }

    private PgPool.Builder pool(int size, int limit) {
        return PgPool.builder(server.dsn()).maxSize(size).pipeliningLimit(limit)
                .acquireTimeout(Duration.ofSeconds(20));
    }

    /** Runs {@code call} on a virtual thread; its outcome (a value or the exception) completes the future. */
    private static <T> CompletableFuture<Object> async(Supplier<T> call) {
        CompletableFuture<Object> outcome = new CompletableFuture<>();
        Thread.ofVirtual().start(() -> {
            try {
                outcome.complete(call.get());
            } catch (Throwable t) {
                outcome.complete(t);
            }
        });
        return outcome;
    }

    /** The observer holds advisory lock {@code key}; one-shot statements that take it wait in flight. */
    private void hold(int key) {
        observer.cursor().execute("SELECT pg_advisory_lock(%s)", key);
    }

    private void release(int key) {
        observer.cursor().execute("SELECT pg_advisory_unlock(%s)", key);
    }

    private static String blockedOn(int key) {
        return "SELECT pg_advisory_xact_lock(" + key + ")";
    }

    @Test
    void tenThousandVirtualThreadsEachGetTheirOwnAnswer() throws Exception {
        try (PgPool pool = pool(4, 64).name("oneshot-10k").build();
             ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            int n = 10_000;
            AtomicInteger most = new AtomicInteger();
            List<Future<?>> tasks = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int v = i;
                tasks.add(vts.submit(() -> {
                    StatementResult r = v % 3 == 0
                            ? pool.execute("SELECT %s::int AS v, %s AS tag", v, "tag " + v)
                            : pool.executePrepared("SELECT %s::int AS v, %s AS tag", v, "tag " + v);
                    assertEquals(List.of(v, "tag " + v), r.one().toList());
                    assertEquals(1, r.rowCount());
                    most.accumulateAndGet(pool.stats().inFlight(), Math::max);
                    return null;
                }));
            }
            for (Future<?> t : tasks) {
                get(t);
            }
            PoolStats stats = pool.stats();
            assertTrue(stats.shared() >= 1 && stats.shared() <= 4, stats.toString());
            assertEquals(0, stats.inFlight());
            assertEquals(0, stats.pending());
            assertEquals(0, stats.borrowed());
            assertTrue(stats.opened() <= 4, "no connection was lost: " + stats);
            assertTrue(most.get() <= 4 * 64, "never more in flight than the limits allow: " + most.get());
        }
    }

    @Test
    void manyStatementsShareAConnectionAndTheStatsShowIt() throws Exception {
        MBeanServer jmx = ManagementFactory.getPlatformMBeanServer();
        ObjectName on = new ObjectName("dev.pgreen:type=PgPool,name=\"oneshot-stats\"");
        try (PgPool pool = pool(2, 8).name("oneshot-stats").build()) {
            hold(1);
            List<CompletableFuture<Object>> held = new ArrayList<>();
            for (int i = 0; i < 16; i++) {
                held.add(async(() -> pool.execute(blockedOn(1))));
            }
            eventually("16 in flight on 2 connections", () -> pool.stats().inFlight() == 16);
            assertEquals(2, pool.stats().shared());
            assertEquals(2, jmx.getAttribute(on, "Shared"));
            assertEquals(16, jmx.getAttribute(on, "InFlight"));
            assertEquals(2, jmx.getAttribute(on, "Size"));
            assertEquals(0, jmx.getAttribute(on, "Borrowed"));
            // Both connections are at their limit: the next caller waits for room.
            CompletableFuture<Object> waiting = async(() -> pool.executePrepared("SELECT %s::int", 17));
            eventually("a caller waits for room", () -> pool.stats().pending() == 1);
            assertEquals(1, jmx.getAttribute(on, "Pending"));
            release(1);
            assertEquals(List.of(17), ((StatementResult) get(waiting)).one().toList());
            for (CompletableFuture<Object> f : held) {
                assertInstanceOf(StatementResult.class, get(f));
            }
            eventually("all answered", () -> pool.stats().inFlight() == 0);
            assertEquals(new PoolStats(2, 0, 0, 0, 2, 2, 0, 2, 0), pool.stats());
        }
    }

    @Test
    void aFailingStatementFailsOnlyItsCaller() throws Exception {
        observer.cursor().execute("DROP TABLE IF EXISTS oneshot_t; CREATE TABLE oneshot_t (id int PRIMARY KEY)");
        try (PgPool pool = pool(1, 16).build()) {
            hold(2);
            // All in flight together on the one connection, behind the held statement.
            CompletableFuture<Object> first = async(() -> pool.execute(blockedOn(2)));
            eventually("the first in flight", () -> pool.stats().inFlight() == 1);
            List<CompletableFuture<Object>> calls = new ArrayList<>();
            for (int i = 0; i < 9; i++) {
                int v = i;
                calls.add(async(() -> v == 4
                        ? pool.executePrepared("SELECT 1 / %s", 0)
                        : pool.executePrepared("INSERT INTO oneshot_t VALUES (%s)", v)));
            }
            eventually("all in flight", () -> pool.stats().inFlight() == 10);
            release(2);
            assertInstanceOf(StatementResult.class, get(first));
            for (int i = 0; i < 9; i++) {
                Object outcome = get(calls.get(i));
                if (i == 4) {
                    assertEquals("22012", assertInstanceOf(DataException.class, outcome).sqlState());
                } else {
                    assertEquals(1, assertInstanceOf(StatementResult.class, outcome).rowCount());
                }
            }
            assertEquals(8L, observer.cursor().execute("SELECT count(*) FROM oneshot_t").fetchOne().get(0),
                    "every other statement committed");
            assertEquals(0L, pool.stats().closed(), "a server error does not cost the connection");
            assertEquals(1, pool.executePrepared("SELECT %s::int", 1).one().get(0));
        }
    }

    @Test
    void aConnectionKilledMidFlightFailsItsCallersAndThePoolRecovers() throws Exception {
        try (PgPool pool = pool(1, 16).build()) {
            int pid = (Integer) pool.execute("SELECT pg_backend_pid()").one().get(0);
            hold(3);
            CompletableFuture<Object> running = async(() -> pool.execute(blockedOn(3)));
            eventually("the first in flight", () -> pool.stats().inFlight() == 1);
            List<CompletableFuture<Object>> behind = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                int v = i;
                behind.add(async(() -> pool.executePrepared("SELECT %s::int", v)));
            }
            eventually("all in flight", () -> pool.stats().inFlight() == 6);
            terminate(observer, pid);
            assertInstanceOf(OperationalException.class, get(running));
            for (CompletableFuture<Object> f : behind) {
                OperationalException e = assertInstanceOf(OperationalException.class, get(f));
                assertTrue(e.getMessage().contains("lost"), e.getMessage());
            }
            release(3);
            eventually("the dead connection is gone", () -> pool.stats().closed() == 1 && pool.stats().size() == 0);
            assertEquals(42, pool.executePrepared("SELECT %s::int", 42).one().get(0));
            assertNotEquals(pid, pool.execute("SELECT pg_backend_pid()").one().get(0));
            assertEquals(2L, pool.stats().opened());
        }
    }

    @Test
    void anIdleConnectionWhoseBackendWasKilledIsReplacedWithoutTheCallerNoticing() {
        try (PgPool pool = pool(1, 16).build()) {
            int pid = (Integer) pool.execute("SELECT pg_backend_pid()").one().get(0);
            terminate(observer, pid);
            assertEquals(7, pool.executePrepared("SELECT %s::int", 7).one().get(0));
            assertEquals(2L, pool.stats().opened());
        }
    }

    @Test
    void anInterruptedCallerGivesUpItsReplyAndTheOthersAreServed() throws Exception {
        observer.cursor().execute("DROP TABLE IF EXISTS oneshot_i; CREATE TABLE oneshot_i (id int)");
        try (PgPool pool = pool(1, 1).build()) {
            hold(4);
            AtomicBoolean flag = new AtomicBoolean();
            CompletableFuture<Object> sent = new CompletableFuture<>();
            Thread caller = Thread.ofVirtual().start(() -> {
                try {
                    sent.complete(pool.execute(blockedOn(4) + "; INSERT INTO oneshot_i VALUES (1)"));
                } catch (Throwable t) {
                    sent.complete(t);
                }
                flag.set(Thread.currentThread().isInterrupted());
            });
            eventually("in flight", () -> pool.stats().inFlight() == 1);
            // The limit is 1: this one waits for room, and an interrupt there means it never runs.
            AtomicBoolean waiterFlag = new AtomicBoolean();
            CompletableFuture<Object> waited = new CompletableFuture<>();
            Thread waiter = Thread.ofVirtual().start(() -> {
                try {
                    waited.complete(pool.execute("INSERT INTO oneshot_i VALUES (2)"));
                } catch (Throwable t) {
                    waited.complete(t);
                }
                waiterFlag.set(Thread.currentThread().isInterrupted());
            });
            eventually("waiting for room", () -> pool.stats().pending() == 1);
            waiter.interrupt();
            OperationalException notSent = assertInstanceOf(OperationalException.class, get(waited));
            assertTrue(notSent.getMessage().contains("did not run"), notSent.getMessage());
            waiter.join();
            assertTrue(waiterFlag.get(), "the interrupt flag is set again");

            caller.interrupt();
            OperationalException gaveUp = assertInstanceOf(OperationalException.class, get(sent));
            assertTrue(gaveUp.getMessage().contains("runs to its end"), gaveUp.getMessage());
            caller.join();
            assertTrue(flag.get(), "the interrupt flag is set again");

            CompletableFuture<Object> next = async(() -> pool.executePrepared("SELECT %s::int", 5));
            release(4);
            assertEquals(5, ((StatementResult) get(next)).one().get(0));
            assertEquals(List.of(1), observer.cursor().execute("SELECT id FROM oneshot_i").fetchAll().stream()
                    .map(r -> r.get(0)).toList(), "the abandoned statement ran, the one never sent did not");
            eventually("nothing left in flight", () -> pool.stats().inFlight() == 0);

            Thread.currentThread().interrupt();
            try {
                OperationalException early = assertThrows(OperationalException.class,
                        () -> pool.execute("INSERT INTO oneshot_i VALUES (3)"));
                assertTrue(early.getMessage().contains("did not run"), early.getMessage());
            } finally {
                assertTrue(Thread.interrupted());
            }
        }
    }

    @Test
    void theStatementTimeoutFailsOnlyTheStatementThatRanTooLong() throws Exception {
        try (PgPool pool = pool(1, 8).statementTimeout(Duration.ofMillis(300)).build()) {
            hold(5);
            CompletableFuture<Object> slow = async(() -> pool.execute(blockedOn(5)));
            eventually("in flight", () -> pool.stats().inFlight() == 1);
            CompletableFuture<Object> quick = async(() -> pool.executePrepared("SELECT %s::int", 9));
            QueryCanceledException e = assertInstanceOf(QueryCanceledException.class, get(slow));
            assertEquals("57014", e.sqlState());
            assertEquals(9, ((StatementResult) get(quick)).one().get(0));
            release(5);
            assertEquals("300ms", pool.execute("SHOW statement_timeout").one().get(0));
            pool.execute("RESET ALL");
            assertEquals("300ms", pool.execute("SHOW statement_timeout").one().get(0), "kept through RESET ALL");
        }
    }

    @Test
    void aStatementThatOpensATransactionIsRefusedAndCostsItsConnection() {
        try (PgPool pool = pool(1, 8).build()) {
            ProgrammingException e = assertThrows(ProgrammingException.class, () -> pool.execute("BEGIN"));
            assertTrue(e.getMessage().contains("transaction"), e.getMessage());
            assertEquals(1, pool.execute("SELECT 1").one().get(0));
            assertEquals(2L, pool.stats().opened());
            assertEquals(1L, pool.stats().closed());
        }
    }

    @Test
    void closeFailsWaitingCallersAtOnceAndClosesConnectionsStillBusy() throws Exception {
        PgPool pool = pool(1, 1).closeTimeout(Duration.ofMillis(300)).build();
        try {
            hold(6);
            CompletableFuture<Object> inFlight = async(() -> pool.execute(blockedOn(6)));
            eventually("in flight", () -> pool.stats().inFlight() == 1);
            CompletableFuture<Object> waiting = async(() -> pool.execute("SELECT 1"));
            eventually("waiting for room", () -> pool.stats().pending() == 1);
            CompletableFuture<Object> closing = async(() -> pool.close(Duration.ofMillis(300)));
            InterfaceException closed = assertInstanceOf(InterfaceException.class, get(waiting));
            assertTrue(closed.getMessage().contains("closed"), closed.getMessage());
            assertEquals(false, get(closing), "a statement was still in flight at the timeout");
            assertInstanceOf(OperationalException.class, get(inFlight));
            assertThrows(InterfaceException.class, () -> pool.execute("SELECT 1"));
            eventually("every connection closed", () -> pool.stats().size() == 0);
        } finally {
            release(6);
            pool.close();
        }
    }

    @Test
    void closeDuringLoadEndsEveryCaller() throws Exception {
        PgPool pool = pool(4, 32).build();
        AtomicInteger answered = new AtomicInteger();
        try (ExecutorService vts = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<Throwable>> callers = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                int v = i;
                callers.add(vts.submit(() -> {
                    try {
                        for (int q = 0; ; q++) {
                            assertEquals(v + q, pool.executePrepared("SELECT %s::int + %s", v, q).one().get(0));
                            answered.incrementAndGet();
                        }
                    } catch (InterfaceException | OperationalException e) {
                        return e;
                    }
                }));
            }
            eventually("under load", () -> answered.get() > 5_000);
            assertTrue(pool.close(LIMIT), "statements in flight are answered before their connections close");
            for (Future<Throwable> f : callers) {
                Throwable t = get(f);
                assertTrue(t instanceof InterfaceException && t.getMessage().contains("closed"), String.valueOf(t));
            }
            assertEquals(0, pool.stats().size());
        }
    }

    @Test
    void acquireGetsAConnectionEvenWhileOneShotStatementsKeepEveryOneBusy() throws Exception {
        try (PgPool pool = pool(2, 4).build()) {
            hold(7);
            List<CompletableFuture<Object>> held = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                held.add(async(() -> pool.execute(blockedOn(7))));
            }
            eventually("both connections full", () -> pool.stats().inFlight() == 8);
            CompletableFuture<Object> borrower = async(() -> {
                try (PooledConnection pc = pool.acquire()) {
                    return pc.cursor().execute("SELECT 'mine'").fetchOne().get(0);
                }
            });
            eventually("the borrower waits", () -> pool.stats().pending() == 1);
            // New one-shot statements go to the connection that is not draining for the borrower.
            CompletableFuture<Object> more = async(() -> pool.executePrepared("SELECT %s::int", 1));
            release(7);
            assertEquals("mine", get(borrower));
            assertEquals(1, ((StatementResult) get(more)).one().get(0));
            for (CompletableFuture<Object> f : held) {
                assertInstanceOf(StatementResult.class, get(f));
            }
            assertEquals(2L, pool.stats().opened());
        }
    }

    @Test
    void platformThreadsShareConnectionsToo() throws Exception {
        try (PgPool pool = pool(2, 16).build();
             ExecutorService threads = Executors.newFixedThreadPool(16)) {
            List<Future<?>> tasks = new ArrayList<>();
            for (int t = 0; t < 16; t++) {
                int id = t;
                tasks.add(threads.submit(() -> {
                    for (int q = 0; q < 200; q++) {
                        StatementResult r = pool.executePrepared("SELECT %(t)s::int * 1000 + %(q)s",
                                Map.of("t", id, "q", q));
                        assertEquals(id * 1000 + q, r.one().get(0));
                    }
                    return null;
                }));
            }
            for (Future<?> t : tasks) {
                get(t);
            }
            assertTrue(pool.stats().opened() <= 2);
        }
    }
}
